using System.Text;

namespace ActivationKit.Cli.Tests;

/// <summary>Hand-built .npy files, including broken ones.</summary>
internal static class NpyBytes
{
    public static byte[] Build(string header, byte[] data, byte major = 1, int? headerLengthOverride = null)
    {
        var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', major, 0]);
        byte[] h = Encoding.Latin1.GetBytes(header);
        int len = headerLengthOverride ?? h.Length;
        if (major == 1) ms.Write(BitConverter.GetBytes((ushort)len));
        else ms.Write(BitConverter.GetBytes((uint)len));
        ms.Write(h);
        ms.Write(data);
        return ms.ToArray();
    }

    public static byte[] Floats(params float[] v) => v.SelectMany(BitConverter.GetBytes).ToArray();

    public static string Header(string descr, string shape, bool fortran = false) =>
        $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}".PadRight(117) + "\n";
}
