using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// The error-free transformations of a sum that the compensated sums are built from, one definition per lane type:
/// Knuth's two-sum (any operands) and Dekker's fast two-sum (|a| ≥ |b|). For finite a, b with a finite rounded sum
/// s = a + b, the error e gives a + b = s + e exactly.
/// </summary>
internal static class ErrorFree
{
    /// <summary>The rounding error of <paramref name="sum"/>, the rounded a + b (Knuth's two-sum).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double TwoSumError(double a, double b, double sum)
    {
        double bPart = sum - a;
        return (a - (sum - bPart)) + (b - bPart);
    }

    /// <inheritdoc cref="TwoSumError(double, double, double)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> TwoSumError(Vector128<double> a, Vector128<double> b, Vector128<double> sum)
    {
        var bPart = sum - a;
        return (a - (sum - bPart)) + (b - bPart);
    }

    /// <inheritdoc cref="TwoSumError(double, double, double)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> TwoSumError(Vector256<double> a, Vector256<double> b, Vector256<double> sum)
    {
        var bPart = sum - a;
        return (a - (sum - bPart)) + (b - bPart);
    }

    /// <inheritdoc cref="TwoSumError(double, double, double)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV TwoSumError<TV>(TV a, TV b, TV sum) where TV : struct, IVec<TV>
    {
        var bPart = sum - a;
        return (a - (sum - bPart)) + (b - bPart);
    }

    /// <summary>a + b rounded, with its exact rounding error in <paramref name="error"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> TwoSum(Vector128<double> a, Vector128<double> b, out Vector128<double> error)
    {
        var sum = a + b;
        error = TwoSumError(a, b, sum);
        return sum;
    }

    /// <inheritdoc cref="TwoSum(Vector128{double}, Vector128{double}, out Vector128{double})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> TwoSum(Vector256<double> a, Vector256<double> b, out Vector256<double> error)
    {
        var sum = a + b;
        error = TwoSumError(a, b, sum);
        return sum;
    }

    /// <summary>a + b rounded, with its exact rounding error added to <paramref name="error"/> (a running compensation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV TwoSum<TV>(TV a, TV b, ref TV error) where TV : struct, IVec<TV>
    {
        var sum = a + b;
        error += TwoSumError(a, b, sum);
        return sum;
    }

    /// <summary>a + b rounded, with its exact rounding error added to <paramref name="error"/>, for |a| ≥ |b| (Dekker's fast two-sum).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV FastTwoSum<TV>(TV a, TV b, ref TV error) where TV : struct, IVec<TV>
    {
        var sum = a + b;
        error += b - (sum - a);
        return sum;
    }
}
