namespace Containerize.Oci;

/// <summary>
/// CRC-32 (ISO 3309, the reflected polynomial 0xEDB88320) as the gzip trailer needs it. The BCL has it only in the
/// System.IO.Hashing package; eight tables (slicing-by-8) keep it far faster than the deflate it runs beside.
/// </summary>
internal static class Crc32
{
    public const uint Initial = 0;

    private static readonly uint[][] Tables = CreateTables();

    /// <summary>The CRC of the bytes so far (<see cref="Initial"/> for none) extended with <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var value = ~crc;
        var t0 = Tables[0];
        var t1 = Tables[1];
        var t2 = Tables[2];
        var t3 = Tables[3];
        var t4 = Tables[4];
        var t5 = Tables[5];
        var t6 = Tables[6];
        var t7 = Tables[7];
        while (data.Length >= 8)
        {
            var low = value ^ (data[0] | ((uint)data[1] << 8) | ((uint)data[2] << 16) | ((uint)data[3] << 24));
            value = t7[low & 0xFF] ^ t6[(low >> 8) & 0xFF] ^ t5[(low >> 16) & 0xFF] ^ t4[low >> 24]
                ^ t3[data[4]] ^ t2[data[5]] ^ t1[data[6]] ^ t0[data[7]];
            data = data[8..];
        }

        foreach (var b in data)
        {
            value = t0[(value ^ b) & 0xFF] ^ (value >> 8);
        }

        return ~value;
    }

    private static uint[][] CreateTables()
    {
        var tables = new uint[8][];
        tables[0] = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var value = i;
            for (var bit = 0; bit < 8; bit++)
            {
                value = (value & 1) != 0 ? 0xEDB88320 ^ (value >> 1) : value >> 1;
            }

            tables[0][i] = value;
        }

        for (var k = 1; k < 8; k++)
        {
            tables[k] = new uint[256];
            for (var i = 0; i < 256; i++)
            {
                var previous = tables[k - 1][i];
                tables[k][i] = tables[0][previous & 0xFF] ^ (previous >> 8);
            }
        }

        return tables;
    }
}
