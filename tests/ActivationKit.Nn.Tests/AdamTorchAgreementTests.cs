namespace ActivationKit.Nn.Tests;

/// <summary>
/// Adam and AdamW against torch.optim (PyTorch 1.13, float32) — the exploratory tester's finding F1: 1 − β₂ was formed
/// from the float-rounded β₂ while the bias correction 1 − β₂^t used the double, so the first updates were too large
/// by up to 6.8e-4 relative (β₂ = 0.99999; 6.4e-6 with the default 0.999).
/// </summary>
public sealed class AdamTorchAgreementTests
{
    /// <summary>Two float ULPs at magnitude |v|: torch and we may differ in the rounding of a step, not more.</summary>
    private static float TwoUlps(float v) => 2 * (MathF.BitIncrement(MathF.Abs(v)) - MathF.Abs(v));

    // The torch values, from:
    //   for b2 in [0.999, 0.9999, 0.99999]:
    //       w = torch.tensor([1.0], requires_grad=True); opt = torch.optim.Adam([w], lr=0.1, betas=(0.9, b2))
    //       for _ in range(3): w.grad = torch.tensor([0.5]); opt.step(); print(f"{w.item():.9g}")
    [Theory]
    [InlineData(0.999, 0.900000036f, 0.800000012f, 0.700000048f)]
    [InlineData(0.9999, 0.899999976f, 0.799999952f, 0.699999928f)]
    [InlineData(0.99999, 0.899999976f, 0.799999952f, 0.699999928f)]
    public void Adam_steps_match_torch_to_float_rounding(double beta2, float step1, float step2, float step3)
    {
        var w = new float[] { 1f };
        var p = new Parameter("w", w, [0.5f], IsWeight: true);
        var adam = new Adam(beta2: beta2);
        float[] expected = [step1, step2, step3];
        for (int t = 0; t < 3; t++)
        {
            adam.Step([p], 0.1);
            Assert.True(Math.Abs(w[0] - expected[t]) <= TwoUlps(expected[t]), $"β₂ = {beta2}, step {t + 1}: {w[0]:R}, torch {expected[t]:R}");
        }
    }

    // w = torch.tensor([1.0, -2.0, 0.25], requires_grad=True)
    // opt = torch.optim.AdamW([w], lr=0.01, betas=(0.8, 0.99999), weight_decay=0.1)
    // for g in [[0.5, -1.5, 3.0], [-0.25, 2.0, 1e-3], [1.0, 1.0, -4.0]]: w.grad = torch.tensor(g); opt.step()
    // print([f"{v:.9g}" for v in w.tolist()])   # ['0.977977335', '-1.9908613', '0.235940874']
    [Fact]
    public void AdamW_with_beta2_near_one_matches_torch()
    {
        var w = new float[] { 1f, -2f, 0.25f };
        var grad = new float[3];
        var p = new Parameter("w", w, grad, IsWeight: true);
        var adamw = Adam.AdamW(weightDecay: 0.1, beta1: 0.8, beta2: 0.99999);
        float[][] grads = [[0.5f, -1.5f, 3.0f], [-0.25f, 2.0f, 1e-3f], [1.0f, 1.0f, -4.0f]];
        foreach (var g in grads)
        {
            g.CopyTo(grad, 0);
            adamw.Step([p], 0.01);
        }

        float[] torch = [0.977977335f, -1.9908613f, 0.235940874f];
        for (int i = 0; i < 3; i++) Assert.True(Math.Abs(w[i] - torch[i]) <= TwoUlps(torch[i]), $"w[{i}] = {w[i]:R}, torch {torch[i]:R}");
    }

    [Fact]
    public void Adam_updates_with_beta2_near_one_match_a_double_reference_over_many_steps()
    {
        // Adam as written in the paper, in double with the exact betas. Gradients of one sign move w steadily away from 0,
        // so its float rounding stays near 1e-6 of the movement, which must agree to 1e-5 (the float 1 − β₂ gave 7e-4).
        const double beta1 = 0.9, beta2 = 0.99999, eps = 1e-8, lr = 1e-3;
        var rng = new Rng(11);
        var gradients = Enumerable.Range(0, 40).Select(_ => (float)rng.NextUniform(0.1, 1)).ToArray();
        var w = new float[] { 0f };
        var grad = new float[1];
        var p = new Parameter("w", w, grad, IsWeight: true);
        var adam = new Adam(beta1, beta2, eps);
        double wd = 0, m = 0, v = 0;
        for (int t = 1; t <= gradients.Length; t++)
        {
            grad[0] = gradients[t - 1];
            adam.Step([p], lr);
            double g = gradients[t - 1];
            m = (beta1 * m) + ((1 - beta1) * g);
            v = (beta2 * v) + ((1 - beta2) * g * g);
            double mHat = m / (1 - Math.Pow(beta1, t)), vHat = v / (1 - Math.Pow(beta2, t));
            wd -= lr * mHat / (Math.Sqrt(vHat) + eps);
            if (t == 1) Assert.Equal(1.0, w[0] / wd, 1e-5);
        }

        Assert.Equal(1.0, w[0] / wd, 1e-5);
    }
}
