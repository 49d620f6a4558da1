using ActivationKit.Nn.Data;

namespace ActivationKit.Nn.Tests;

/// <summary>
/// PReLU specs print the float init as the float it is — the exploratory NN tester's finding F5:
/// <c>prelu(num_parameters=6, init=0.10000000149011612)</c> in ActivationSpec, error messages and saved models.
/// </summary>
public sealed class PreluSpecTextTests
{
    /// <summary>
    /// A model saved before the fix (3 → prelu(num_parameters=6, init=0.1) → 2, trained 3 epochs so the slopes moved),
    /// whose header has <c>"activation": "prelu(num_parameters=6, init=0.10000000149011612)"</c>.
    /// </summary>
    private const string OldModel =
        "QUtOTk1MUDFQAwAAewogICJmb3JtYXQiOiAiYWN0a2l0LW1scCIsCiAgInZlcnNpb24iOiAyLAogICJpbnB1dFNpemUiOiAzLAog" +
        "ICJsYXllcnMiOiBbCiAgICB7CiAgICAgICJ1bml0cyI6IDYsCiAgICAgICJhY3RpdmF0aW9uIjogInByZWx1KG51bV9wYXJhbWV0" +
        "ZXJzPTYsIGluaXQ9MC4xMDAwMDAwMDE0OTAxMTYxMikiLAogICAgICAicHJlV2lkdGgiOiA2LAogICAgICAiZHJvcG91dCI6IDAK" +
        "ICAgIH0sCiAgICB7CiAgICAgICJ1bml0cyI6IDIsCiAgICAgICJhY3RpdmF0aW9uIjogImlkZW50aXR5IiwKICAgICAgInByZVdp" +
        "ZHRoIjogMiwKICAgICAgImRyb3BvdXQiOiAwCiAgICB9CiAgXSwKICAidGVuc29ycyI6IFsKICAgIHsKICAgICAgIm5hbWUiOiAi" +
        "bGF5ZXIwLndlaWdodCIsCiAgICAgICJvZmZzZXQiOiAwLAogICAgICAiY291bnQiOiAxOAogICAgfSwKICAgIHsKICAgICAgIm5h" +
        "bWUiOiAibGF5ZXIwLmJpYXMiLAogICAgICAib2Zmc2V0IjogMTgsCiAgICAgICJjb3VudCI6IDYKICAgIH0sCiAgICB7CiAgICAg" +
        "ICJuYW1lIjogImxheWVyMC5zbG9wZXMiLAogICAgICAib2Zmc2V0IjogMjQsCiAgICAgICJjb3VudCI6IDYKICAgIH0sCiAgICB7" +
        "CiAgICAgICJuYW1lIjogImxheWVyMS53ZWlnaHQiLAogICAgICAib2Zmc2V0IjogMzAsCiAgICAgICJjb3VudCI6IDEyCiAgICB9" +
        "LAogICAgewogICAgICAibmFtZSI6ICJsYXllcjEuYmlhcyIsCiAgICAgICJvZmZzZXQiOiA0MiwKICAgICAgImNvdW50IjogMgog" +
        "ICAgfQogIF0sCiAgImZsb2F0Q291bnQiOiA0NCwKICAiY2hlY2tzdW0iOiAiZDE2OTNkMzhhMTc3OGUzZiIsCiAgImNoZWNrc3Vt" +
        "U2NvcGUiOiAiZmlsZSIsCiAgImNsYXNzQ291bnQiOiAwCn06a32+ASPHvXiMuT7CdjI/Ld4JP+RnGT2vyL6+1HGMPwYLmj/8ufw+" +
        "uXjvvd5TTT+6dZO+IPFlvivuBj/kZna+xCoFPxMZpD9E9Qy9HYNcvgvVxb1kBGQ+7pq1vVKsbz6SN9e99P6CvSdFXz4wUYm9UDuZ" +
        "PsQkDz0ASyK/C0mAPu+2+T5/Xxi/PNdUv5rqGb/86kK/DowivqiwgT6QmYO+QEQMugay1b7oC9e96AvXPQ==";

    private static readonly float[] Inputs = [0.5f, -1f, 2f, -3f, 0.25f, -0.75f, 1f, 1f, -2f, -0.5f, -0.5f, -0.5f];

    /// <summary>The old model's outputs on <see cref="Inputs"/> when it was saved, as float bits.</summary>
    private static readonly uint[] OldOutputs = [0x3E833CC8, 0xBF914780, 0xBEC683C5, 0x3EA7D879, 0xBFACC728, 0xBF8CFC36, 0xBE4D1BDB, 0x3EC7663F];

    [Fact]
    public void The_layer_spec_and_its_messages_print_the_float_init_shortest()
    {
        Assert.Equal("prelu(num_parameters=6, init=0.1)", new DenseLayer(3, 6, "prelu(num_parameters=6, init=0.1)").ActivationSpec);
        Assert.Equal("prelu(num_parameters=1, init=0.3)", new DenseLayer(3, 6, "prelu(init=0.3)").ActivationSpec);
        var e = Assert.Throws<ArgumentException>(() => new DenseLayer(3, 4, "prelu(num_parameters=6, init=0.1)"));
        Assert.StartsWith("prelu(num_parameters=6, init=0.1) has 6 slopes but the layer has 4 units;", e.Message, StringComparison.Ordinal);

        // Explicit slopes print the first one as the float it is, and the text recreates the same slopes.
        var explicitSlopes = new Functions.Prelu([1e-8f, 2f]);
        Assert.Equal("prelu(num_parameters=2, init=1E-08)", explicitSlopes.ToString());
        Assert.Equal(1e-8f, ((Functions.Prelu)Catalog.ActivationCatalog.Create(explicitSlopes.ToString())).Weights[0]);

        // Other parameters keep their double text: elu's alpha is a double.
        Assert.Equal("elu(alpha=0.10000000149011612)", Catalog.ActivationCatalog.Create("elu(0.10000000149011612)").ToString());
    }

    [Fact]
    public void A_saved_model_keeps_the_short_spec_and_reloads_bit_identical()
    {
        var net = Mlp.Build(3, [6], "prelu(num_parameters=6, init=0.1)", 2);
        net.Initialize(Initializer.Auto, 7);
        var data = new Dataset("d", Inputs, 3, [0, 1, 1, 0], 1, 2);
        Trainer.Fit(net, data, null, new TrainerOptions { Epochs = 3, BatchSize = 2, LearningRate = 0.05, Seed = 3 });
        var ms = new MemoryStream();
        ModelFile.Save(ms, net);
        byte[] bytes = ms.ToArray();
        Assert.Contains("\"activation\": \"prelu(num_parameters=6, init=0.1)\"", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        var (loaded, _) = ModelFile.Load(bytes);
        Assert.Equal(net.Layers[0].ActivationSpec, loaded.Layers[0].ActivationSpec);
        Assert.Equal(net.Layers[0].Slopes, loaded.Layers[0].Slopes);
        Assert.Equal(Bits(net.Predict(Inputs, 4)), Bits(loaded.Predict(Inputs, 4)));

        // The initial slopes a reload starts from (Initialize) are the same floats too.
        loaded.Initialize(Initializer.Auto, 7);
        Assert.All(loaded.Layers[0].Slopes, a => Assert.Equal(0.1f, a));
    }

    [Fact]
    public void A_model_saved_with_the_long_text_still_loads()
    {
        var (old, _) = ModelFile.Load(Convert.FromBase64String(OldModel));
        Assert.Equal("prelu(num_parameters=6, init=0.1)", old.Layers[0].ActivationSpec);
        Assert.Equal(OldOutputs, Bits(old.Predict(Inputs, 4)));

        // Saved again, it is the short text and the same model.
        var ms = new MemoryStream();
        ModelFile.Save(ms, old);
        var (again, _) = ModelFile.Load(ms.ToArray());
        Assert.Equal(OldOutputs, Bits(again.Predict(Inputs, 4)));
        Assert.Equal(old.Layers[0].Slopes, again.Layers[0].Slopes);
    }

    private static uint[] Bits(float[] values) => values.Select(BitConverter.SingleToUInt32Bits).ToArray();
}
