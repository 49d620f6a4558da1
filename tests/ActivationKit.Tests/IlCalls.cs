using System.Reflection;
using System.Reflection.Emit;

namespace ActivationKit.Tests;

/// <summary>The methods a method's IL calls (call, callvirt, newobj, ldftn, ldvirtftn), read from its body.</summary>
public static class IlCalls
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The methods and constructors <paramref name="method"/> refers to as call targets, in IL order.</summary>
    public static IEnumerable<MethodBase> Of(MethodBase method)
    {
        ArgumentNullException.ThrowIfNull(method);
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        Type[]? typeArguments = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int at = 0;
        while (at < il.Length)
        {
            short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            var op = OpCodesByValue[value];
            int token = op.OperandType is OperandType.InlineMethod ? BitConverter.ToInt32(il, at) : 0;
            at += op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
                _ => 4,
            };
            if (op.OperandType == OperandType.InlineMethod)
            {
                MethodBase? target = null;
                try
                {
                    target = method.Module.ResolveMethod(token, typeArguments, methodArguments);
                }
                catch (ArgumentException)
                {
                    // A method of a generic type instantiated over the caller's own parameters that reflection cannot
                    // resolve here; kernels are not generic types, so their own methods always resolve.
                }

                if (target is not null) yield return target;
            }
        }
    }

    /// <summary>The generic definition of a constructed generic method, else the method itself.</summary>
    public static MethodBase Definition(MethodBase m) => m is MethodInfo { IsGenericMethod: true, IsGenericMethodDefinition: false } g ? g.GetGenericMethodDefinition() : m;
}
