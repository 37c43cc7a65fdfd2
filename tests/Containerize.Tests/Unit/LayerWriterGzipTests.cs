using System.IO.Compression;
using System.Text;
using Containerize.Oci;

namespace Containerize.Tests.Unit;

/// <summary>The gzip framing of layers: fixed header, CRC-32 trailer, bytes independent of how the data was written.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class LayerWriterGzipTests
{
    private static byte[] Compressed(byte[] data, int writeSize)
    {
        using var output = new MemoryStream();
        using (var gzip = new GzipWriteStream(output, leaveOpen: true))
        {
            for (var offset = 0; offset < data.Length; offset += writeSize)
            {
                gzip.Write(data, offset, Math.Min(writeSize, data.Length - offset));
                gzip.Flush();
            }
        }

        return output.ToArray();
    }

    private static byte[] Data()
    {
        var data = new byte[200_000];
        new Random(11).NextBytes(data.AsSpan(0, 100_000));
        Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("Hello from Docker! ", 6000))).AsSpan(0, 100_000).CopyTo(data.AsSpan(100_000));
        return data;
    }

    [TestMethod]
    public void Crc32_of_the_check_string_is_the_standard_value()
    {
        Assert.AreEqual(0xCBF43926u, Crc32.Append(Crc32.Initial, "123456789"u8));
        Assert.AreEqual(0xCBF43926u, Crc32.Append(Crc32.Append(Crc32.Initial, "1234"u8), "56789"u8));
        Assert.AreEqual(0u, Crc32.Append(Crc32.Initial, []));
    }

    [TestMethod]
    public void The_bytes_do_not_depend_on_how_the_data_was_split_into_writes_or_flushed()
    {
        var data = Data();

        var whole = Compressed(data, data.Length);

        CollectionAssert.AreEqual(whole, Compressed(data, 1000));
        CollectionAssert.AreEqual(whole, Compressed(data, 65537));
    }

    [TestMethod]
    public void The_trailer_is_the_crc32_and_length_of_the_data_and_gzip_reads_it_back()
    {
        var data = Data();
        var compressed = Compressed(data, 4096);

        Assert.AreEqual(Crc32.Append(Crc32.Initial, data), BitConverter.ToUInt32(compressed, compressed.Length - 8));
        Assert.AreEqual((uint)data.Length, BitConverter.ToUInt32(compressed, compressed.Length - 4));
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var read = new MemoryStream();
        gzip.CopyTo(read);
        CollectionAssert.AreEqual(data, read.ToArray());
    }

    [TestMethod]
    public void A_wrong_crc_is_caught_when_reading_so_the_round_trip_tests_check_it()
    {
        var compressed = Compressed(Data(), 4096);
        compressed[^8] ^= 1;

        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        Assert.ThrowsExactly<InvalidDataException>(() => gzip.CopyTo(Stream.Null));
    }

    [TestMethod]
    public void Empty_data_is_a_valid_gzip_member()
    {
        var compressed = Compressed([], 1);

        CollectionAssert.AreEqual(new byte[] { 0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, compressed);
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        Assert.AreEqual(-1, gzip.ReadByte());
    }
}
