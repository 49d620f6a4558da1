using ActivationKit.Accuracy;
using ActivationKit.Functions;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Tests;

/// <summary>
/// Number checks for gelu, gelu_tanh, snake and sin and the math under them (Φ, erfc, sin, cos) against mpmath.
/// </summary>
/// <remarks>
/// Every table row is [x, hi, lo]: the exact value is hi + lo, computed with mpmath at 60 digits by
/// tools/gelu_family_test_values.py (run it with /usr/bin/python3 and paste its output to regenerate). The double
/// kernels are checked in double ULPs against hi + lo, on the vector path (a whole column at once) and the scalar
/// path (one element), which must also agree bit for bit.
/// </remarks>
public class GeluFamilyTests
{
    private static readonly double[][] NormalCdfValues =
    [
        [-38.0, 2.88542835e-316, 0.0],
        [-37.5, 4.605353009581955e-308, -5e-324],
        [-35.0, 1.1249107064724062e-268, 1.986948300234996e-286],
        [-30.0, 4.906713927148187e-198, -1.177867140585931e-214],
        [-25.0, 3.056696706382561e-138, -1.03522965904287e-154],
        [-20.0, 2.7536241186062337e-89, -4.205855543202273e-106],
        [-15.0, 3.670966199312751e-51, 5.668943006161082e-68],
        [-12.5, 3.732564298877713e-36, 2.8417784416700113e-52],
        [-10.0, 7.619853024160525e-24, 6.1543366579282245e-40],
        [-8.0, 6.220960574271784e-16, 2.491586890683703e-32],
        [-6.0, 9.86587645037698e-10, 5.0182069523925116e-26],
        [-5.5, 1.8989562465887718e-08, 1.5092774863741613e-24],
        [-4.0, 3.1671241833119924e-05, -3.0731906018516887e-21],
        [-3.0, 0.0013498980316300946, -5.053886685858262e-20],
        [-2.0, 0.02275013194817921, -1.3849763108389696e-18],
        [-1.5, 0.06680720126885807, -5.303515941678518e-18],
        [-1.0, 0.15865525393145705, 4.9468552901786335e-18],
        [-0.7, 0.24196365222307303, -4.937435700328491e-18],
        [-0.66, 0.25462691467133614, 2.315962110707763e-18],
        [-0.5, 0.3085375387259869, 1.4568778275699303e-17],
        [-0.25, 0.4012936743170763, -2.300399437650529e-17],
        [-0.001, 0.49960105778608893, 6.173057477356938e-18],
        [0.1, 0.539827837277029, -4.236746516162269e-18],
        [0.5, 0.6914624612740131, -1.4568778275699303e-17],
        [0.66, 0.7453730853286639, -2.315962110707763e-18],
        [0.7, 0.758036347776927, 4.937435700328491e-18],
        [1.0, 0.8413447460685429, 2.280872032545028e-17],
        [2.0, 0.9772498680518208, 1.3849763108389696e-18],
        [3.0, 0.9986501019683699, 8.940996681239719e-18],
        [5.0, 0.9999997133484281, 4.434127499629886e-17],
        [5.7, 0.9999999940096286, 2.0063821361555713e-17],
        [6.0, 0.9999999990134123, 5.538678126725596e-17],
        [7.0, 0.9999999999987201, 5.255890204545542e-17],
        [8.0, 0.9999999999999993, 4.403775734791551e-17],
    ];

    private static readonly double[][] ErfcValues =
    [
        [-5.0, 1.9999999999984626, -2.294992711807301e-17],
        [-1.0, 1.8427007929497148, 8.622129067339705e-17],
        [-0.4, 1.4283923550466684, 8.262873871434374e-17],
        [1e-05, 0.9999887162083294, 1.201434901522369e-17],
        [0.3, 0.6713732405408726, 3.2602896784275053e-17],
        [0.46875, 0.507386526782062, 3.3306914518767484e-17],
        [0.5, 0.4795001221869535, -1.900077467916287e-17],
        [1.0, 0.15729920705028513, -2.954563826510312e-18],
        [2.0, 0.004677734981047266, -3.8794238326641256e-19],
        [4.0, 1.541725790028002e-08, -1.1417872168371026e-24],
        [6.0, 2.1519736712498913e-17, 3.1898197253599377e-34],
        [10.0, 2.088487583762545e-45, -1.2006565763501381e-61],
        [20.0, 5.395865611607901e-176, -2.4980975484348278e-192],
        [26.0, 5.663192408856143e-296, -3.454309640217e-312],
        [26.5, 2.2109076642637343e-307, 5e-324],
        [27.2, 1e-323, 0.0],
    ];

    private static readonly double[][] GeluValues =
    [
        [-38.0, -1.096462777e-314, 0.0],
        [-30.0, -1.472014178144456e-196, -9.83344865375505e-213],
        [-14.0, -1.091095154686992e-43, -5.519949389525983e-60],
        [-10.0, -7.619853024160526e-23, 2.6618709732389316e-39],
        [-5.0, -1.4332578593959695e-06, -5.2039345747350155e-23],
        [-0.7517915246935645, -0.16997120747990366, -4.0605107323502486e-18],
        [-0.5, -0.15426876936299344, -7.284389137849652e-18],
        [0.5, 0.34573123063700656, -7.284389137849652e-18],
        [1.0, 0.8413447460685429, 2.280872032545028e-17],
        [3.0, 2.99595030590511, -8.41993124187965e-17],
        [8.0, 7.999999999999995, 3.523020587833241e-16],
    ];

    private static readonly double[][] GeluDerivativeValues =
    [
        [-38.0, -4.1665545693e-313, 0.0],
        [-30.0, -4.416031690708495e-195, 3.520664891496748e-211],
        [-10.0, -7.618400096464814e-22, 3.1822803878089744e-38],
        [-3.0, -0.011945647204183927, -7.968197456950205e-20],
        [-1.5, -0.12746919222997952, -8.821504483488683e-18],
        [-0.3, 0.26767223317289013, 1.6804148445284426e-17],
        [0.3, 0.7323277668271099, -1.6804148445284426e-17],
        [1.5, 1.1274691922299795, -1.893407113214023e-17],
        [5.0, 1.000007146946002, -1.0906068860939236e-16],
    ];

    private static readonly double[][] GeluTanhValues =
    [
        [-25.0, -0.0, 0.0],
        [-20.0, -3.3754509563109673e-261, -6.5931993270207e-278],
        [-10.5, -7.42490055607904e-43, -3.0088544968926784e-59],
        [-10.0, -1.204092348209806e-37, 9.24652088522222e-54],
        [-8.0, -3.1077829375011112e-21, -2.3923937885515663e-38],
        [-5.0, -2.291796196629506e-07, -6.672272038786043e-24],
        [-2.0, -0.04540230591222498, -1.196607196729928e-18],
        [-0.5, -0.15428599017485609, 7.837005974558656e-18],
        [0.5, 0.34571400982514394, -1.9918569641070258e-17],
        [2.0, 1.954597694087775, 6.819233184234236e-17],
        [5.0, 4.999999770820381, -3.8080124404409826e-16],
    ];

    private static readonly double[][] GeluTanhDerivativeValues =
    [
        [-25.0, -0.0, 0.0],
        [-20.0, -2.9424328724945027e-259, -1.7749508639566487e-275],
        [-10.0, -2.7576380638540315e-36, -1.4886083821020638e-52],
        [-5.0, -1.5463619875325946e-06, 2.0798052847829388e-23],
        [-2.0, -0.08609925662361838, -3.394243257890854e-18],
        [-0.3, 0.26770454836119817, 1.6808024504045035e-17],
        [0.3, 0.7322954516388018, -1.6808024504045035e-17],
        [2.0, 1.0860992566236183, 1.0053875791259206e-16],
        [5.0, 1.0000015463619876, -3.737174970562302e-17],
    ];

    private static readonly double[][] SinValues =
    [
        [10000000000.0, -0.4875060250875107, -1.665199285246269e-17],
        [-10000000000.0, 0.4875060250875107, 1.665199285246269e-17],
        [3e+38, -0.023678459894696413, 7.479882960768476e-19],
        [3.0000000054977558e+38, 0.8749048877644344, -4.049006760189176e-17],
        [3.4028234663852886e+38, -0.5218765233336585, -1.424685948210393e-17],
        [1e+22, -0.8522008497671888, -6.7806825896773284e-18],
        [1e+300, -0.8178819121159085, -4.78135837440326e-17],
        [268435455.5, -0.7860923561071786, 1.7583129216046294e-17],
        [268435457.0, -0.6721666601241298, 4.941036189190373e-17],
        [1099511627775.0, 0.5499045533437155, -3.0447041958455324e-17],
        [1099511627777.0, -0.9883112598106106, 4.9887054453120583e-17],
        [1.5707963267948966, 1.0, -1.874699728327322e-33],
        [4.71238898038469, -1.0, 1.6872297554945898e-32],
        [1570797.8975912235, 1.0, -1.827949432943919e-21],
        [210828715.70395288, 1.0, -1.619147593089544e-17],
        [863554413090.98, 0.9999999995734353, -5.2362358678015816e-17],
        [1e-300, 1e-300, 0.0],
        [0.5, 0.479425538604203, -5.103969860556013e-18],
        [3.0, 0.1411200080598672, 8.577269787017502e-18],
    ];

    private static readonly double[][] CosValues =
    [
        [10000000000.0, 0.873119622676856, -5.41448904944852e-17],
        [-10000000000.0, 0.873119622676856, -5.41448904944852e-17],
        [3e+38, 0.9997196259637076, -4.5512392469495426e-17],
        [3.0000000054977558e+38, -0.4842947835419069, -8.565242566815842e-19],
        [3.4028234663852886e+38, 0.8530210398303042, -3.7154376137955193e-17],
        [1e+22, 0.523214785395139, -4.7143201076575164e-17],
        [1e+300, -0.5753861119575491, 2.6770761918787068e-17],
        [268435455.5, -0.6181090580713606, 3.581325198054733e-18],
        [268435457.0, 0.740399879131252, -4.1236103070689335e-17],
        [1099511627775.0, -0.8352275032659359, 4.8308797196221064e-17],
        [1099511627777.0, -0.15244951207387902, -9.668684772214698e-18],
        [1.5707963267948966, 6.123233995736766e-17, -1.4973849048591698e-33],
        [4.71238898038469, -1.8369701987210297e-16, -7.833796929500799e-33],
        [1570797.8975912235, -6.046402952076414e-11, -2.9747997543320293e-27],
        [210828715.70395288, -5.690602064965611e-09, -3.606114139512284e-25],
        [863554413090.98, 2.9208379781995503e-05, 2.8051038881098456e-22],
        [0.5, 0.8775825618903728, -4.2623149864279997e-17],
        [3.0, -0.9899924966004454, -4.2060261566099734e-17],
    ];

    private static readonly double[][] SnakeValues =
    [
        [10000000000.0, 10000000000.237661, 7.628022886662511e-07],
        [-10000000000.0, -9999999999.762339, 7.628022886662511e-07],
        [3e+38, 3e+38, 0.0005606694629847464],
        [3.0000000054977558e+38, 3.0000000054977558e+38, 0.7654585626340975],
        [3.4028234663852886e+38, 3.4028234663852886e+38, 0.27235510560682663],
        [1e+22, 1e+22, 0.7262462883439187],
        [1e+300, 1e+300, 0.0],
        [268435455.5, 268435456.1179412, -8.403049475896068e-09],
        [268435457.0, 268435457.45180804, -1.639126032467073e-08],
        [1099511627775.0, 1099511627775.3024, 2.685372565117187e-05],
        [1099511627777.0, 1099511627777.9768, -4.7494356563789036e-05],
        [1.5707963267948966, 2.5707963267948966, -3.749399456654644e-33],
        [4.71238898038469, 5.71238898038469, -3.3744595109891796e-32],
        [1570797.8975912235, 1570798.8975912235, -3.655898865887838e-21],
        [210828715.70395288, 210828716.70395288, -3.238295186179088e-17],
        [863554413090.98, 863554413091.98, -8.531294494892837e-10],
        [-0.8, -0.2854002388493556, -2.275917316089339e-17],
        [-3.0, -2.980085143325183, 1.3988080826593024e-16],
        [2.0, 2.826821810431806, 4.2587844187748684e-17],
    ];

    private static readonly double[][] SnakeDerivativeValues =
    [
        [10000000000.0, 0.14869784664579755, -1.0154444848750123e-17],
        [-0.8, 0.00042639695849483824, 8.927086409171536e-21],
        [2.0, 0.24319750469207174, 6.5889103396733155e-18],
        [-0.7853981633974483, 1.874699728327322e-33, -1.6486434320087062e-50],
        [2.356194490192345, 1.6872297554945898e-32, -1.4837790888062799e-49],
        [-22.776546738526, 1.915685142356643e-37, -1.6224087150181454e-53],
        [38782.1759104026, 3.9542491864997916e-24, 1.1951762419028972e-40],
        [-628319.3161161221, 6.558363631347978e-22, 3.140977247464777e-38],
    ];

    private static readonly double[][] SnakeAlphaValues =
    [
        [-2.5, -0.9512286694461716, 1.9027121654161408e-17],
        [7.0, 9.483768035567833, 2.9220768676554796e-16],
        [1000000.0, 1000000.0382087501, 1.681384500968027e-11],
    ];

    private static readonly double[][] SnakeAlphaDerivativeValues =
    [
        [-2.5, 0.002505013395945573, -1.629303284579187e-19],
        [7.0, 0.128424227586412, 1.1984882594216418e-17],
        [-2.6179938779914944, 4.665180499228811e-34, -1.6474803849676725e-50],
    ];

    [Fact]
    public void Normal_cdf_is_within_2_ulp_from_minus_38_to_8() =>
        CheckVMath(NormalCdfValues, static v => VMath.NormalCdf(v), static v => VMath.NormalCdf(v), 2);

    [Fact]
    public void Erfc_is_within_2_ulp_including_the_subnormal_tail() =>
        CheckVMath(ErfcValues, static v => VMath.Erfc(v), static v => VMath.Erfc(v), 2);

    [Fact]
    public void Reference_normal_cdf_and_erfc_agree_with_mpmath()
    {
        // The scalar references (series + continued fraction) are a different algorithm; a few ULP is their budget.
        CheckScalar("ReferenceMath.NormalCdf", NormalCdfValues, ReferenceMath.NormalCdf, 8);
        CheckScalar("ReferenceMath.Erfc", ErfcValues, ReferenceMath.Erfc, 8);
    }

    [Theory]
    [InlineData(2e154)]
    [InlineData(1e200)]
    [InlineData(double.MaxValue)]
    [InlineData(double.PositiveInfinity)]
    public void Reference_gaussian_functions_reach_their_limits_where_x_squared_overflows(double x)
    {
        // x·x overflows from |x| ≈ 1.34e154: φ, Φ and erfc were NaN there (and φ(1e154), erfc(1e154) were −0).
        Assert.Equal(1.0, ReferenceMath.NormalCdf(x));
        Assert.Equal(0.0, ReferenceMath.NormalCdf(-x));
        Assert.False(double.IsNegative(ReferenceMath.NormalCdf(-x)));
        Assert.Equal(2.0, ReferenceMath.Erfc(-x));
        foreach (double v in new[] { x, -x, 1e154, -1e154 })
        {
            Assert.True(ReferenceMath.NormalPdf(v) == 0 && !double.IsNegative(ReferenceMath.NormalPdf(v)), $"φ({v:R}) = {ReferenceMath.NormalPdf(v):R}");
        }

        Assert.True(ReferenceMath.Erfc(x) == 0 && !double.IsNegative(ReferenceMath.Erfc(x)), $"erfc({x:R}) = {ReferenceMath.Erfc(x):R}");
        Assert.True(ReferenceMath.Erfc(1e154) == 0 && !double.IsNegative(ReferenceMath.Erfc(1e154)), $"erfc(1e154) = {ReferenceMath.Erfc(1e154):R}");
    }

    [Theory]
    [InlineData(2e154)]
    [InlineData(1e200)]
    [InlineData(double.MaxValue)]
    public void Gelu_references_match_the_kernel_where_x_squared_overflows(double x)
    {
        var gelu = new Gelu();
        Assert.Equal(x, gelu.Reference(x));
        Assert.True(gelu.Reference(-x) == 0 && double.IsNegative(gelu.Reference(-x)), $"gelu({-x:R}) = {gelu.Reference(-x):R}");
        Assert.Equal(1.0, gelu.ReferenceDerivative(x));
        Assert.True(gelu.ReferenceDerivative(-x) == 0 && double.IsNegative(gelu.ReferenceDerivative(-x)), $"gelu′({-x:R}) = {gelu.ReferenceDerivative(-x):R}");
        var kernel = new double[2];
        gelu.Backward([x, -x], [1.0, 1.0], kernel);
        Assert.Equal(BitConverter.DoubleToInt64Bits(kernel[1]), BitConverter.DoubleToInt64Bits(gelu.ReferenceDerivative(-x)));

        var geglu = new Geglu();
        var y = new double[1];
        geglu.ReferenceRow([2.0, x], y);
        Assert.Equal(2.0 * x, y[0]);
    }

    [Fact]
    public void Gelu_is_within_2_ulp_in_double_down_to_the_subnormals() =>
        CheckActivation(new Gelu(), GeluValues, derivative: false, 2);

    [Fact]
    public void Gelu_derivative_is_within_4_ulp_in_double() =>
        CheckActivation(new Gelu(), GeluDerivativeValues, derivative: true, 4);

    [Fact]
    public void Gelu_of_minus_10_is_minus_7_62e_minus_23_in_float_and_double()
    {
        var gelu = new Gelu();
        var d = new double[1];
        gelu.Forward([-10.0], d);
        Assert.True(Ulp.Double(d[0], -7.619853024160526e-23, 2.6618709732389316e-39) <= 1, $"gelu(-10) = {d[0]:R}");
        var f = new float[1];
        gelu.Forward([-10f], f);
        Assert.Equal(-7.619853e-23f, f[0]);
        // Float results are subnormal but not flushed down to x = -14.356068 (gelu there is about -1.4e-45).
        gelu.Forward([-14.356068f], f);
        Assert.True(f[0] < 0, $"gelu(-14.356068f) = {f[0]:R}");
        gelu.Forward([-14f], f);
        Assert.True(Ulp.Float(f[0], -1.091095154686992e-43) <= 0.5, $"gelu(-14f) = {f[0]:R}");
    }

    [Fact]
    public void Gelu_tanh_is_within_4_ulp_in_double_and_keeps_its_sign_in_the_tail()
    {
        CheckActivation(new GeluTanh(), GeluTanhValues, derivative: false, 4);
        CheckActivation(new GeluTanh(), GeluTanhDerivativeValues, derivative: true, 4);
    }

    [Fact]
    public void Gelu_tanh_float_derivative_keeps_its_relative_accuracy_next_to_its_zero()
    {
        // (x, f′(x) by mpmath at 50 digits): the float nearest the zero −0.7524614 of f′, its neighbours 1, 2, 3, 50, 1000
        // and 30000 floats away on each side. The float table expands H = e^S·f′ about that float with H there as its
        // constant term; a form that sums σ(s) + x·s′·σ(s)σ(−s) at full size loses all relative accuracy here.
        double[][] values =
        [
            [-0.7524614334106445, -4.8805769909549434e-9],
            [-0.7524613738059998, 2.0773268398776437e-8],
            [-0.7524614930152893, -3.0534419627202151e-8],
            [-0.752461314201355, 4.642711654199197e-8],
            [-0.7524615526199341, -5.6188259509965166e-8],
            [-0.7524612545967102, 7.2080967438691635e-8],
            [-0.7524616122245789, -8.1842096639243969e-8],
            [-0.7524584531784058, 1.2778150655133078e-6],
            [-0.7524644136428833, -1.2875693357847863e-6],
            [-0.7524018287658691, 2.5650340174741038e-5],
            [-0.7525210380554199, -2.5657347844553261e-5],
            [-0.7506732940673828, 0.00077084941628711144],
            [-0.7542495727539062, -0.00076838104401563924],
        ];
        var x = values.Select(v => (float)v[0]).ToArray();
        var dx = new float[x.Length];
        new GeluTanh().Backward(x, Enumerable.Repeat(1f, x.Length).ToArray(), dx);
        for (int i = 0; i < x.Length; i++)
            Assert.True(Ulp.Float(dx[i], values[i][1]) <= 2, $"gelu_tanh′({x[i]:R}) = {dx[i]:R}, mpmath {values[i][1]:R}");
    }

    [Fact]
    public void Gelu_tanh_float_tail_is_negative_never_positive_and_never_flushed_early()
    {
        // 0.5·x·(1 + tanh(u)) computed literally cancels to 0 for x below about -5 in float and can turn positive;
        // x·σ(2u) must stay negative until the true value is below half the smallest subnormal (x ≈ -10.770868).
        var f = new GeluTanh();
        var x = new List<float>();
        for (float v = -10f; v >= -10.8f; v = MathF.BitDecrement(v)) x.Add(v);
        var rng = new Random(5);
        for (int i = 0; i < 200_000; i++) x.Add(-(float)Math.Exp((rng.NextDouble() * 80) - 78));   // -e^-78 … -e^2
        var xs = x.ToArray();
        var y = new float[xs.Length];
        f.Forward(xs, y);
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.True(y[i] <= 0 && float.IsNegative(y[i]), $"gelu_tanh({xs[i]:R}) = {y[i]:R} is not negative");
            if (xs[i] >= -10.770867f) Assert.True(y[i] < 0, $"gelu_tanh({xs[i]:R}) flushed to zero");
            // Float lanes (float-pair argument, float exp): within the 4-ULP promise, not the one rounding of double lanes.
            Assert.True(Ulp.Float(y[i], f.Reference(xs[i])) <= AccuracyMeter.UlpBound, $"gelu_tanh({xs[i]:R}) = {y[i]:R}, reference {f.Reference(xs[i]):R}");
        }
    }

    [Fact]
    public void Sin_and_cos_are_within_1_ulp_from_tiny_to_huge_arguments()
    {
        CheckActivation(new Sin(), SinValues, derivative: false, 1);
        CheckActivation(new Sin(), CosValues, derivative: true, 1);
        CheckVMath(SinValues, static v => VMath.Sin(v), static v => VMath.Sin(v), 1);
        CheckVMath(CosValues, static v => VMath.Cos(v), static v => VMath.Cos(v), 1);
    }

    [Fact]
    public void Sin_in_float_at_large_arguments_matches_mpmath()
    {
        var sin = new Sin();
        var y = new float[3];
        sin.Forward([1e10f, 3e38f, float.MaxValue], y);
        Assert.Equal((float)-0.4875060250875107, y[0]);
        Assert.Equal((float)0.8749048877644344, y[1]);      // sin of the float nearest 3e38 (3.0000000054977558e38)
        Assert.Equal((float)-0.5218765233336585, y[2]);
    }

    [Fact]
    public void Sin_float_lanes_are_within_two_ulp_and_hand_large_arguments_to_double_lanes()
    {
        // Float lanes up to |x| = 2^16 (1.49 ULP over all floats), double lanes beyond. The floats nearest multiples of
        // π/2 test the reduction where r = x − n·π/2 cancels most (their sine or cosine is tiny).
        var edges = new List<float>();
        for (int k = -2000; k <= 2000; k += 7) edges.Add((float)(k * Math.PI / 2));
        edges.AddRange([0f, -0f, float.Epsilon, -1e-30f, 0.000244140625f, MathF.BitIncrement(0.000244140625f), 65536f, MathF.BitIncrement(65536f), -65536f,
            -MathF.BitIncrement(65536f), 32767.5f, 625.0518f, 32617.71f, 1e10f, float.MaxValue, float.PositiveInfinity, float.NegativeInfinity, float.NaN]);
        CheckFloatLanes(new Sin(), default(Sin.Kernel_), edges, 2, 2);
        var signed = new float[2];
        new Sin().Forward([-0f, -1e-30f], signed);
        Assert.True(float.IsNegative(signed[0]) && signed[0] == 0, $"sin(−0) = {signed[0]:R}");
        Assert.Equal(-1e-30f, signed[1]);
    }

    [Fact]
    public void Tanhshrink_float_lanes_keep_the_cubic_near_zero_and_join_their_two_forms_at_one()
    {
        // Float lanes: the continued fraction below |x| = 1 (x³/3 near 0, subnormals included), (|x| − 1) + 2e/(1 + e)
        // from 1 on; 3.10 ULP forward and 2.21 backward over all floats.
        float[] edges =
        [
            0f, -0f, float.Epsilon, -1e-30f, 1e-13f, 0.0141f, -0.0141f, 0.7726147f, MathF.BitDecrement(1f), 1f, MathF.BitIncrement(1f), -1f,
            1.4999f, 9f, 44f, 100f, float.MaxValue, float.PositiveInfinity, float.NegativeInfinity, float.NaN,
        ];
        CheckFloatLanes(new Tanhshrink(), default(Tanhshrink.Kernel_), edges, 3.5, 3);
        var signed = new float[1];
        new Tanhshrink().Forward([-0f], signed);
        Assert.True(float.IsNegative(signed[0]) && signed[0] == 0, $"tanhshrink(−0) = {signed[0]:R}");
    }

    /// <summary>
    /// Forward and slope (dy = 1) of float data against the reference over every 65,537th bit pattern and the given
    /// edges, within the bounds, and the scalar lanes (S&lt;float&gt;, every fifth input) bit for bit as the driver.
    /// </summary>
    private static void CheckFloatLanes<TK>(ElementwiseActivation f, TK kernel, IEnumerable<float> edges, double forwardUlp, double backwardUlp)
        where TK : struct, IUnaryKernel
    {
        var xs = new List<float>();
        for (long bits = 0; bits <= uint.MaxValue; bits += 65_537) xs.Add(BitConverter.UInt32BitsToSingle((uint)bits));
        xs.AddRange(edges);
        float[] x = [.. xs];
        var y = new float[x.Length];
        var d = new float[x.Length];
        f.Forward(x, y);
        f.Backward(x, Enumerable.Repeat(1f, x.Length).ToArray(), d);
        for (int i = 0; i < x.Length; i++)
        {
            double ry = f.Reference(x[i]);
            double rd = f.ReferenceDerivative(x[i]);
            Assert.True(Ulp.Float(y[i], ry) <= forwardUlp, $"{f.Name}({x[i]:R}) = {y[i]:R}, reference {ry:R}");
            Assert.True(Ulp.Float(d[i], rd) <= backwardUlp, $"{f.Name}'({x[i]:R}) = {d[i]:R}, reference {rd:R}");
            if (i % 5 != 0 || float.IsNaN(x[i])) continue;
            var one = kernel.Forward(new S<float>(x[i])).Value;
            var slope = kernel.Backward(new S<float>(x[i]), new S<float>(1f)).Value;
            Assert.True(BitConverter.SingleToUInt32Bits(one) == BitConverter.SingleToUInt32Bits(y[i]), $"scalar {f.Name}({x[i]:R}) = {one:R}, vector {y[i]:R}");
            Assert.True(BitConverter.SingleToUInt32Bits(slope) == BitConverter.SingleToUInt32Bits(d[i]), $"scalar {f.Name}'({x[i]:R}) = {slope:R}, vector {d[i]:R}");
        }
    }

    [Fact]
    public void Snake_is_within_1_ulp_and_its_derivative_stays_relative_next_to_its_zeros()
    {
        CheckActivation(new Snake(), SnakeValues, derivative: false, 1);
        // The rows near -π/4 + kπ have derivatives down to 1e-37: computed as 2·sin²(x + π/4) they keep full
        // relative accuracy.
        CheckActivation(new Snake(), SnakeDerivativeValues, derivative: true, 2);
        CheckActivation(new Snake(0.3), SnakeAlphaValues, derivative: false, 1);
        CheckActivation(new Snake(0.3), SnakeAlphaDerivativeValues, derivative: true, 2);
    }

    [Fact]
    public void Snake_limits_and_float_values_at_large_arguments()
    {
        var snake = new Snake();
        var y = new float[4];
        snake.Forward([float.PositiveInfinity, float.NegativeInfinity, 1e10f, 3e38f], y);
        Assert.Equal(float.PositiveInfinity, y[0]);
        Assert.Equal(float.NegativeInfinity, y[1]);
        Assert.Equal(1e10f, y[2]);
        Assert.Equal(3e38f, y[3]);
        var dx = new double[2];
        snake.Backward([double.PositiveInfinity, 3.0000000054977558e38], [1.0, 1.0], dx);
        Assert.True(double.IsNaN(dx[0]), "snake'(∞) has no limit");
        Assert.True(Ulp.Double(dx[1], 0.15257625352073377) <= 4, $"snake'(3e38f) = {dx[1]:R}");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Snake_rejects_alpha_outside_zero_to_infinity(double alpha)
    {
        var e = Assert.Throws<ArgumentException>(() => new Snake(alpha));
        Assert.Contains("alpha", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Snake_alpha_parses_from_a_spec()
    {
        var a = Catalog.ActivationCatalog.Create("snake(alpha=0.3)");
        Assert.Equal(0.3, a.Parameters[0]);
        Assert.Equal("snake(alpha=0.3)", a.ToString());
    }

    private static void CheckVMath(double[][] table, Func<S<double>, S<double>> scalar, Func<V512<double>, V512<double>> vector, double maxUlp)
    {
        var xs = table.Select(r => r[0]).ToArray();
        // Pad to whole registers; the padding lanes repeat the first input.
        int n = (xs.Length + 7) / 8 * 8;
        var padded = xs.Concat(Enumerable.Repeat(xs[0], n - xs.Length)).ToArray();
        var got = new double[n];
        for (int i = 0; i < n; i += 8) vector(V512<double>.Load(in padded[i])).Store(ref got[i]);
        var failures = new List<string>();
        for (int i = 0; i < xs.Length; i++)
        {
            double one = scalar(new S<double>(xs[i])).Value;
            if (BitConverter.DoubleToInt64Bits(one) != BitConverter.DoubleToInt64Bits(got[i])) failures.Add($"x={xs[i]:R}: vector {got[i]:R} != scalar {one:R}");
            double err = Ulp.Double(got[i], table[i][1], table[i][2]);
            if (!(err <= maxUlp)) failures.Add($"x={xs[i]:R}: {got[i]:R} vs {table[i][1]:R} ({err:F2} ULP)");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static void CheckScalar(string what, double[][] table, Func<double, double> f, double maxUlp)
    {
        var failures = table
            .Select(r => (X: r[0], Got: f(r[0]), Err: Ulp.Double(f(r[0]), r[1], r[2])))
            .Where(t => !(t.Err <= maxUlp))
            .Select(t => $"{what}({t.X:R}) = {t.Got:R} ({t.Err:F2} ULP)")
            .ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static void CheckActivation(ElementwiseActivation f, double[][] table, bool derivative, double maxUlp)
    {
        var xs = table.Select(r => r[0]).ToArray();
        var got = new double[xs.Length];
        if (derivative) f.Backward(xs, Enumerable.Repeat(1.0, xs.Length).ToArray(), got);
        else f.Forward(xs, got);
        var failures = new List<string>();
        for (int i = 0; i < xs.Length; i++)
        {
            var one = new double[1];
            if (derivative) f.Backward([xs[i]], [1.0], one);
            else f.Forward([xs[i]], one);
            if (BitConverter.DoubleToInt64Bits(one[0]) != BitConverter.DoubleToInt64Bits(got[i])) failures.Add($"x={xs[i]:R}: vector {got[i]:R} != scalar {one[0]:R}");
            double err = Ulp.Double(got[i], table[i][1], table[i][2]);
            if (!(err <= maxUlp)) failures.Add($"{f}{(derivative ? "'" : "")}({xs[i]:R}) = {got[i]:R}, exact {table[i][1]:R} ({err:F2} ULP)");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData("gelu")]
    [InlineData("gelu_tanh")]
    public void The_derivative_underflows_to_minus_zero_below_its_zero(string name)
    {
        // f′ < 0 below −0.75, so where it underflows the reference and the kernels give −0 (the reference's
        // Φ + x·φ = 0 + (−0) was +0).
        var f = (ElementwiseActivation)Catalog.ActivationCatalog.Create(name);
        double[] x = [-800.0, -1e5, double.NegativeInfinity];
        var dx = new double[x.Length];
        f.Backward(x, [1.0, 1.0, 1.0], dx);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(double.IsNegative(f.ReferenceDerivative(x[i])) && f.ReferenceDerivative(x[i]) == 0, $"{name}′ reference at {x[i]}: {f.ReferenceDerivative(x[i]):R}");
            Assert.True(double.IsNegative(dx[i]) && dx[i] == 0, $"{name}′ kernel at {x[i]}: {dx[i]:R}");
        }
    }
}
