using ActivationKit.Catalog;

namespace ActivationKit.Advisor;

/// <summary>
/// The selection rules, as data. Each rule says when it applies, which functions it prefers or argues
/// against, why, and the paper or framework documentation it comes from. docs/advisor.md is generated from this
/// list, and the tests check each rule's effect.
/// </summary>
public static class AdvisorRules
{
    private static bool Hidden(AdvisorRequest r) => r.Layer == LayerRole.Hidden;

    private static bool Recurrent(AdvisorRequest r) => r.Model is ModelType.Rnn or ModelType.Lstm or ModelType.Gru;

    /// <summary>A hidden layer of a feed-forward model: the symptom and constraint rules pick among rectifiers, which have no place in a recurrent state.</summary>
    private static bool FeedForwardHidden(AdvisorRequest r) => Hidden(r) && !Recurrent(r);

    /// <summary>
    /// An output layer whose task is <paramref name="t"/>, other than a GAN generator's or an autoencoder's, whose
    /// outputs are images or reconstructed inputs (rules gan-output and autoencoder-output) whatever the task.
    /// </summary>
    private static bool Output(AdvisorRequest r, AdvisorTask t) => r.Layer == LayerRole.Output && r.Task == t && !IsGanGenerator(r) && !IsReconstruction(r);

    /// <summary>
    /// The output layer of a GAN's generator: <c>--model gan --layer output</c> with any task but binary (a GAN's
    /// binary output is the discriminator's real/fake probability, which output-binary covers).
    /// </summary>
    public static bool IsGanGenerator(AdvisorRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return r.Layer == LayerRole.Output && r.Model == ModelType.Gan && r.Task != AdvisorTask.Binary;
    }

    /// <summary>The output layer of an autoencoder, which reconstructs the input (<c>--model autoencoder --layer output</c>, any task).</summary>
    public static bool IsReconstruction(AdvisorRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return r.Layer == LayerRole.Output && r.Model == ModelType.Autoencoder;
    }

    private static bool Has(AdvisorRequest r, Symptom s) => r.Symptoms.Contains(s);

    /// <summary>Every catalog function marked with <paramref name="problem"/>, each with <paramref name="penalty"/>.</summary>
    private static IReadOnlyList<(string Name, double Penalty)> MarkedWith(KnownProblem problem, double penalty) =>
        ActivationCatalog.All.Where(i => i.Problems.HasFlag(problem)).Select(i => (i.Name, penalty)).ToArray();

    private static bool Has(AdvisorRequest r, Constraint c) => r.Constraints.Contains(c);

    /// <summary>All rules, in the order they are documented.</summary>
    public static IReadOnlyList<AdvisorRule> All { get; } =
    [
        new()
        {
            Id = "output-regression",
            When = "output layer, regression task",
            Applies = r => Output(r, AdvisorTask.Regression) && !Has(r, Constraint.BoundedOutput) && !Has(r, Constraint.NonNegativeOutput),
            Prefer = [("identity", 10)],
            Avoid = [("sigmoid", 6), ("tanh", 6), ("softmax", 10), ("relu", 4)],
            Rationale = "A linear output can reach any target value; with MSE it is the maximum-likelihood Gaussian output.",
            Source = "Goodfellow, Bengio & Courville, Deep Learning (2016), §6.2.2.1",
        },
        new()
        {
            Id = "output-bounded-regression",
            When = "output layer, regression, targets bounded (--constraint bounded-output)",
            Applies = r => Output(r, AdvisorTask.Regression) && Has(r, Constraint.BoundedOutput),
            Prefer = [("tanh", 8), ("sigmoid", 7), ("hardtanh", 3)],
            Rationale = "A squashing output keeps predictions inside the target range; scale targets to (−1, 1) for tanh or (0, 1) for sigmoid.",
            Source = "Goodfellow, Bengio & Courville, Deep Learning (2016), §6.2.2",
        },
        new()
        {
            Id = "output-nonnegative-regression",
            When = "output layer, regression, non-negative targets (--constraint non-negative-output)",
            Applies = r => Output(r, AdvisorTask.Regression) && Has(r, Constraint.NonNegativeOutput) && !Has(r, Constraint.BoundedOutput),
            Prefer = [("softplus", 8), ("exponential", 5), ("relu", 4)],
            Rationale = "Softplus gives a smooth positive output with gradient everywhere; exp suits log-linear (Poisson) rates; ReLU can die at the output.",
            Source = "Dugas et al., Incorporating second-order functional knowledge for better option pricing (NIPS 2001); PyTorch PoissonNLLLoss docs",
        },
        new()
        {
            Id = "output-binary",
            When = "output layer, binary classification",
            Applies = r => Output(r, AdvisorTask.Binary),
            Prefer = [("sigmoid", 10), ("hardsigmoid", 3)],
            Avoid = [("softmax", 3), ("relu", 10), ("tanh", 6)],
            Rationale = "Sigmoid maps a logit to P(y = 1); paired with binary cross-entropy its gradient is simply p − y. Hard sigmoid is a cheaper piecewise-linear stand-in, with no gradient outside (−3, 3).",
            Source = "Goodfellow, Bengio & Courville, Deep Learning (2016), §6.2.2.2",
        },
        new()
        {
            Id = "output-multiclass",
            When = "output layer, multi-class (exclusive classes)",
            Applies = r => Output(r, AdvisorTask.Multiclass),
            Prefer = [("softmax", 10), ("log_softmax", 4)],
            Avoid = [("sigmoid", 5), ("relu", 10), ("tanh", 8)],
            Rationale = "Softmax turns logits into a distribution over the classes (outputs sum to 1); with cross-entropy the gradient is p − y. Log-softmax gives the log-probabilities directly, for a negative log-likelihood loss.",
            Source = "Bridle, Probabilistic interpretation of feedforward classification network outputs (1990); Deep Learning §6.2.2.3",
        },
        new()
        {
            Id = "output-multilabel",
            When = "output layer, multi-label (several labels can be true)",
            Applies = r => Output(r, AdvisorTask.Multilabel),
            Prefer = [("sigmoid", 10)],
            Avoid = [("softmax", 10), ("relu", 10), ("tanh", 6)],
            Rationale = "Each label is an independent yes/no, so one sigmoid per label with binary cross-entropy; softmax would make labels compete. ReLU belongs in hidden layers, not here.",
            Source = "PyTorch BCEWithLogitsLoss documentation; Keras guide to multi-label classification",
        },
        new()
        {
            Id = "output-ranking",
            When = "output layer, ranking",
            Applies = r => Output(r, AdvisorTask.Ranking),
            Prefer = [("identity", 10)],
            Rationale = "A ranking model outputs an unbounded score per item; the pairwise (RankNet) or listwise (ListNet) loss applies its own sigmoid/softmax.",
            Source = "Burges et al., Learning to Rank using Gradient Descent (ICML 2005); Cao et al., ListNet (ICML 2007)",
        },
        new()
        {
            Id = "rnn-gate",
            When = "RNN/LSTM/GRU gate",
            Applies = r => r.Layer == LayerRole.Gate,
            Prefer = [("sigmoid", 10), ("hardsigmoid", 3)],
            Rationale = "A gate multiplies a signal by a fraction in (0, 1): sigmoid is the standard gate; hard sigmoid is a cheaper approximation.",
            Source = "Hochreiter & Schmidhuber, Long Short-Term Memory (1997); Cho et al., GRU (EMNLP 2014)",
        },
        new()
        {
            Id = "rnn-cell",
            When = "RNN/LSTM/GRU cell or candidate",
            Applies = r => r.Layer == LayerRole.Cell,
            Prefer = [("tanh", 10), ("softsign", 2)],
            Rationale = "The cell candidate must be zero-centred and bounded so the recurrent state neither drifts nor explodes: tanh; softsign is bounded and zero-centred too, with polynomial rather than exponential tails.",
            Source = "Hochreiter & Schmidhuber (1997); Greff et al., LSTM: A Search Space Odyssey (2017)",
        },
        new()
        {
            Id = "rnn-hidden",
            When = "hidden (recurrent state) layer of an RNN/LSTM/GRU",
            Applies = r => Hidden(r) && Recurrent(r),
            Prefer = [("tanh", 10), ("softsign", 2)],
            Rationale = "The state is fed back at every time step, so it must stay bounded and zero-centred: tanh, as in the Elman RNN and LSTM/GRU's h = o·tanh(c) (gates: --layer gate, sigmoid); softsign is a bounded, zero-centred alternative. A rectifier there lets the state grow step after step; against vanishing or exploding gradients over time use LSTM/GRU gates and gradient clipping rather than another activation.",
            Source = "Elman, Finding Structure in Time (1990); Hochreiter & Schmidhuber (1997); Cho et al., GRU (EMNLP 2014); Pascanu, Mikolov & Bengio (ICML 2013)",
        },
        new()
        {
            Id = "rnn-symptom",
            When = "recurrent state of an RNN/LSTM/GRU with a reported symptom (--symptom)",
            Applies = r => Hidden(r) && Recurrent(r) && r.Symptoms.Count > 0,
            Prefer = [("tanh", 1)],
            Rationale = "A symptom does not change the state's activation, which must stay bounded and zero-centred (the feed-forward symptom rules do not apply to it): units that look dead or saturated there are tanh units pinned near ±1 by large pre-activations — use Glorot or orthogonal recurrent weights, standardised inputs and layer normalisation; vanishing or exploding gradients over time come from the recurrence — use LSTM/GRU gates, gradient clipping and truncated back-propagation through time; slow convergence is the optimiser's and the initialisation's to fix (learning rate, Adam, orthogonal recurrent weights). For the feed-forward layers around the recurrent one, ask with --model mlp.",
            Source = "Pascanu, Mikolov & Bengio, On the difficulty of training recurrent neural networks (ICML 2013); Saxe, McClelland & Ganguli, orthogonal initialisation (ICLR 2014); Ba, Kiros & Hinton, Layer Normalization (2016)",
        },
        new()
        {
            Id = "hidden-rectifier",
            When = "hidden layer of an MLP, CNN, autoencoder or regression network",
            Applies = r => Hidden(r) && r.Model is ModelType.Mlp or ModelType.Cnn or ModelType.Autoencoder or ModelType.Regression,
            Prefer = [("relu", 8), ("leaky_relu", 6), ("prelu", 3)],
            Rationale = "ReLU and its leaky variants have slope 1 for x > 0, so they do not saturate there, and cost one comparison; ReLU's zeros make activations sparse, and leaky ReLU and PReLU trade that sparsity for a gradient below 0: the default for feed-forward and convolutional hidden layers.",
            Source = "Nair & Hinton (ICML 2010); Glorot, Bordes & Bengio, Deep Sparse Rectifier Neural Networks (AISTATS 2011); Krizhevsky et al. (NIPS 2012); Maas, Hannun & Ng (2013); He et al., PReLU (ICCV 2015)",
        },
        new()
        {
            Id = "hidden-smooth",
            When = "hidden layer of an MLP, CNN, autoencoder or regression network",
            Applies = r => Hidden(r) && r.Model is ModelType.Mlp or ModelType.Cnn or ModelType.Autoencoder or ModelType.Regression,
            Prefer = [("elu", 5), ("gelu", 4), ("silu", 4), ("selu", 2)],
            Rationale = "ELU, GELU, SiLU and SELU keep the rectifier's slope for large x and add a curved negative side that pulls mean activations towards zero; they often train as well as ReLU or better, at the cost of an exp or erf per element.",
            Source = "Clevert et al., ELU (ICLR 2016); Hendrycks & Gimpel, GELU (2016); Ramachandran, Zoph & Le, Searching for Activation Functions (2017); Klambauer et al., Self-Normalizing Neural Networks (NIPS 2017)",
        },
        new()
        {
            Id = "hidden-transformer",
            When = "hidden (feed-forward) layer of a transformer",
            Applies = r => Hidden(r) && r.Model == ModelType.Transformer,
            Prefer = [("swiglu", 10), ("gelu", 9), ("geglu", 8), ("gelu_tanh", 6), ("silu", 6), ("relu_squared", 5), ("relu", 4)],
            Rationale = "Transformer MLP blocks use GELU (BERT and GPT-2, as released with its tanh form, gelu_tanh) or gated variants — SwiGLU (PaLM, LLaMA), GEGLU (T5 v1.1, Gemma, there with the tanh GELU) — which train to lower perplexity than the original Transformer's ReLU; SiLU is SwiGLU's ungated gate, and squared ReLU, found by the Primer search, is a cheap ungated alternative that also beats ReLU there.",
            Source = "Vaswani et al., Attention Is All You Need (2017); Hendrycks & Gimpel, GELU (2016); Devlin et al., BERT (2019); Shazeer, GLU Variants Improve Transformer (2020); So et al., Primer (2021)",
        },
        new()
        {
            Id = "gan-hidden",
            When = "hidden layer of a GAN",
            Applies = r => Hidden(r) && r.Model == ModelType.Gan,
            Prefer = [("leaky_relu", 9), ("relu", 6)],
            Rationale = "DCGAN: Leaky ReLU (slope 0.2) in the discriminator keeps gradients flowing to the generator; ReLU in the generator.",
            Source = "Radford, Metz & Chintala, DCGAN (ICLR 2016)",
        },
        new()
        {
            Id = "gan-output",
            When = "output layer of a GAN generator: --model gan --layer output with any --task but binary (--task binary is the discriminator's real/fake output, rule output-binary)",
            Applies = IsGanGenerator,
            Prefer = [("tanh", 10), ("sigmoid", 4)],
            Rationale = "The generator's images are scaled to [−1, 1] and tanh matches that range, as in DCGAN; a sigmoid suits images kept in [0, 1]. The generator has no target of its own: the discriminator's loss trains it.",
            Source = "Radford, Metz & Chintala, DCGAN (ICLR 2016)",
        },
        new()
        {
            Id = "autoencoder-output",
            When = "output (reconstruction) layer of an autoencoder with inputs in [0, 1]: --model autoencoder --layer output with any --task but regression",
            Applies = r => IsReconstruction(r) && r.Task != AdvisorTask.Regression,
            Prefer = [("sigmoid", 10), ("identity", 6)],
            Rationale = "The output reconstructs the input: for inputs scaled to [0, 1] (pixel intensities, binary features) a sigmoid with binary cross-entropy per input value, the Bernoulli likelihood; for standardised or unbounded inputs the identity with mean squared error (--task regression ranks it first).",
            Source = "Vincent et al., Stacked Denoising Autoencoders (JMLR 2010); Goodfellow, Bengio & Courville, Deep Learning (2016), §6.2.2 and ch. 14",
        },
        new()
        {
            Id = "autoencoder-output-real",
            When = "output (reconstruction) layer of an autoencoder with real-valued, unbounded inputs: --model autoencoder --layer output --task regression",
            Applies = r => IsReconstruction(r) && r.Task == AdvisorTask.Regression,
            Prefer = [("identity", 10), ("sigmoid", 4)],
            Rationale = "Standardised or unbounded inputs are reconstructed by a linear output with mean squared error, the Gaussian likelihood; a sigmoid with binary cross-entropy suits them only once they are scaled into [0, 1].",
            Source = "Vincent et al., Stacked Denoising Autoencoders (JMLR 2010); Goodfellow, Bengio & Courville, Deep Learning (2016), §6.2.2 and ch. 14",
        },
        new()
        {
            Id = "symptom-dead-units",
            When = "feed-forward hidden layer with dead units (--symptom dead-units); functions marked dying-units are left out",
            Applies = r => FeedForwardHidden(r) && Has(r, Symptom.DeadUnits),
            Prefer = [("leaky_relu", 7), ("elu", 6), ("prelu", 5), ("selu", 3), ("gelu", 3), ("silu", 3)],
            Avoid = [("relu", 8), ("relu6", 6), ("thresholded_relu", 6)],
            Rationale = "A non-zero slope for x < 0 keeps a gradient flowing to units whose input went negative, so they can recover.",
            Source = "Maas, Hannun & Ng, Rectifier Nonlinearities Improve Neural Network Acoustic Models (2013); He et al., PReLU (ICCV 2015); Clevert et al., ELU (ICLR 2016)",
        },
        new()
        {
            Id = "symptom-vanishing",
            When = "feed-forward hidden layers with vanishing gradients (--symptom vanishing-gradients); functions marked vanishing-gradients are left out",
            Applies = r => FeedForwardHidden(r) && Has(r, Symptom.VanishingGradients),
            Prefer = [("relu", 4), ("leaky_relu", 4), ("selu", 4), ("elu", 3), ("gelu", 2)],
            Avoid = [("sigmoid", 10), ("tanh", 6), ("softsign", 5), ("hardsigmoid", 6), ("hardtanh", 4)],
            Rationale = "σ′ ≤ 1/4 and flat tails multiply gradients down layer after layer; functions with slope 1 for large x — ReLU, leaky ReLU, ELU, GELU (with He init) or SELU (LeCun init) — keep their scale.",
            Source = "Hochreiter (1991); Glorot & Bengio, Understanding the difficulty of training deep feedforward networks (AISTATS 2010)",
        },
        new()
        {
            Id = "deep-stack",
            When = "hidden layers of a deep plain (non-residual, non-recurrent) stack (--depth ≥ 8); every function marked vanishing-gradients is avoided",
            Applies = r => Hidden(r) && r.Depth >= 8 && r.Model is not ModelType.Rnn and not ModelType.Lstm and not ModelType.Gru and not ModelType.Transformer,
            Prefer = [("selu", 3), ("relu", 2), ("leaky_relu", 2), ("gelu", 1)],
            // The catalog's mark, as symptom-vanishing reads it: a list of three (sigmoid, tanh, hardsigmoid) let hardtanh and
            // softsign lead --depth 20 --constraint bounded-output. Penalty 8 outweighs any one rule's preference for them.
            Avoid = MarkedWith(KnownProblem.VanishingGradients, 8),
            Rationale = "Functions whose slopes vanish (sigmoid, tanh, hard tanh, softsign, …) compound their small derivatives over depth, while the ReLU family and GELU keep slope 1 for x > 0; SELU keeps activations normalised without batch norm.",
            Source = "Glorot & Bengio (2010); Klambauer et al., Self-Normalizing Neural Networks (NIPS 2017)",
        },
        new()
        {
            Id = "symptom-exploding",
            When = "feed-forward hidden layers with exploding gradients or activations (--symptom exploding-gradients)",
            Applies = r => FeedForwardHidden(r) && Has(r, Symptom.ExplodingGradients),
            Prefer = [("relu6", 10), ("tanh", 5), ("hardtanh", 3)],
            Avoid = [("exponential", 10), ("relu", 4)],
            Rationale = "A bounded activation caps how far activations can grow (ReLU6 keeps the rectifier's slope and sparsity below its cap); the cause is usually elsewhere, so also lower the learning rate and clip gradients.",
            Source = "Pascanu, Mikolov & Bengio, On the difficulty of training RNNs (ICML 2013); Krizhevsky, ReLU6 (2010)",
        },
        new()
        {
            Id = "symptom-slow-convergence",
            When = "feed-forward hidden layers converging slowly (--symptom slow-convergence)",
            Applies = r => FeedForwardHidden(r) && Has(r, Symptom.SlowConvergence),
            Prefer = [("elu", 4), ("selu", 3), ("gelu", 3), ("silu", 3), ("mish", 2), ("leaky_relu", 2)],
            Avoid = [("sigmoid", 6), ("binary_step", 10)],
            Rationale = "Activations with a negative side keep mean outputs nearer zero than ReLU's, which reduces the bias shift and the zig-zag updates of all-positive outputs (ELU and SELU push the mean to about zero); smooth ones give steadier gradients.",
            Source = "LeCun et al., Efficient BackProp (1998); Clevert et al., ELU (ICLR 2016)",
        },
        new()
        {
            Id = "symptom-saturation",
            When = "feed-forward hidden layers saturating (--symptom saturation); functions marked saturation are left out",
            Applies = r => FeedForwardHidden(r) && Has(r, Symptom.Saturation),
            Prefer = [("leaky_relu", 3), ("relu", 3), ("prelu", 2)],
            Avoid = [("sigmoid", 8), ("tanh", 6), ("hardtanh", 6), ("hardsigmoid", 6), ("softsign", 4)],
            Rationale = "Units stuck in a flat region get no gradient; the ReLU family has no flat tail (ReLU's zero side is where units die, which Leaky ReLU and PReLU remove too), while GELU, SiLU, mish, ELU and SELU flatten out below about −4 and are left out with every other function marked saturation, as are their gated forms (GEGLU, SwiGLU, and GLU's sigmoid gate), whose output and gradients vanish where the gate does.",
            Source = "Glorot & Bengio (2010); Glorot, Bordes & Bengio (2011)",
        },
        new()
        {
            Id = "constraint-self-normalising",
            When = "--constraint self-normalising",
            Applies = r => Has(r, Constraint.SelfNormalising),
            Prefer = [("selu", 12)],
            Rationale = "SELU's fixed point keeps mean 0 and variance 1 through layers (with LeCun normal init and alpha-dropout).",
            Source = "Klambauer et al., Self-Normalizing Neural Networks (NIPS 2017)",
        },
        new()
        {
            Id = "constraint-quantisation",
            When = "feed-forward hidden layer with --constraint quantisation-friendly",
            Applies = r => FeedForwardHidden(r) && Has(r, Constraint.QuantisationFriendly),
            Prefer = [("relu6", 12), ("hardswish", 9), ("hardsigmoid", 5), ("hardtanh", 5), ("relu", 1)],
            Avoid = [("exponential", 6), ("selu", 3)],
            Rationale = "Piecewise-linear functions with a bounded range (ReLU6, hard sigmoid, hard tanh) give fixed-point scales directly and ReLU passes the input's scale through; hard swish multiplies x by a piecewise-linear gate, exact in integer arithmetic. None needs a transcendental function.",
            Source = "Howard et al., MobileNets (2017) and Searching for MobileNetV3 (ICCV 2019); Jacob et al., Quantization (CVPR 2018)",
        },
        new()
        {
            Id = "constraint-bounded-hidden",
            When = "feed-forward hidden layer whose outputs must stay bounded (--constraint bounded-output)",
            Applies = r => FeedForwardHidden(r) && Has(r, Constraint.BoundedOutput),
            Prefer = [("tanh", 6), ("relu6", 5), ("hardtanh", 4), ("softsign", 3), ("sigmoid", 2)],
            Rationale = "Bounded activations cap every unit's output (useful for fixed-range hardware or to stop activations from exploding); tanh is also zero-centred, ReLU6 keeps the rectifier's sparsity.",
            Source = "Krizhevsky, Convolutional Deep Belief Networks on CIFAR-10 (ReLU6, 2010); LeCun et al., Efficient BackProp (1998)",
        },
        new()
        {
            Id = "constraint-cheap",
            When = "feed-forward hidden layer with --constraint cheap",
            Applies = r => FeedForwardHidden(r) && Has(r, Constraint.Cheap),
            Prefer = [("relu", 3), ("leaky_relu", 2), ("hardswish", 2), ("relu6", 2)],
            Rationale = "Comparisons and multiplies cost far less than exp, erf or tanh on every element.",
            Source = "Howard et al., Searching for MobileNetV3 (ICCV 2019)",
        },
        new()
        {
            Id = "constraint-cheap-squashing",
            When = "gate, or binary / multi-label output, with --constraint cheap or quantisation-friendly",
            Applies = r => (Has(r, Constraint.Cheap) || Has(r, Constraint.QuantisationFriendly))
                && (r.Layer == LayerRole.Gate || (r.Layer == LayerRole.Output && r.Task is AdvisorTask.Binary or AdvisorTask.Multilabel)),
            Prefer = [("hardsigmoid", 4)],
            Rationale = "A gate or per-label probability needs a (0, 1) output; hard sigmoid is its piecewise-linear approximation, with no exp. Rectifiers do not belong there.",
            Source = "Courbariaux et al., BinaryConnect (NIPS 2015); Howard et al., Searching for MobileNetV3 (ICCV 2019)",
        },
        new()
        {
            Id = "constraint-cheap-cell",
            When = "recurrent cell or state (--layer cell, or hidden in an RNN/LSTM/GRU) with --constraint cheap or quantisation-friendly",
            Applies = r => (r.Layer == LayerRole.Cell || (Hidden(r) && Recurrent(r))) && (Has(r, Constraint.Cheap) || Has(r, Constraint.QuantisationFriendly)),
            Prefer = [("hardtanh", 4)],
            Rationale = "The cell candidate must stay zero-centred and bounded; hard tanh keeps both without transcendental functions.",
            Source = "Collobert, Large Scale Machine Learning (PhD thesis, 2004), HardTanh; Jacob et al., Quantization (CVPR 2018)",
        },
    ];
}
