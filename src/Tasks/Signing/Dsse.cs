using System.Globalization;
using System.Text;

namespace Containerize.Signing;

/// <summary>
/// DSSE, the Dead Simple Signing Envelope (github.com/secure-systems-lab/dsse, protocol v1): what is signed is not the
/// payload itself but its pre-authentication encoding, which binds the payload type to it.
/// </summary>
public static class Dsse
{
    /// <summary>
    /// The pre-authentication encoding PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, where LEN
    /// is the length in bytes as ASCII decimal with no leading zeros and type is UTF-8. cosign signs exactly this.
    /// </summary>
    public static byte[] Pae(string payloadType, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(payloadType);
        var type = Encoding.UTF8.GetBytes(payloadType);
        var head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"DSSEv1 {type.Length} "));
        var middle = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $" {payload.Length} "));
        var encoding = new byte[head.Length + type.Length + middle.Length + payload.Length];
        head.CopyTo(encoding, 0);
        type.CopyTo(encoding, head.Length);
        middle.CopyTo(encoding, head.Length + type.Length);
        payload.CopyTo(encoding.AsSpan(head.Length + type.Length + middle.Length));
        return encoding;
    }
}
