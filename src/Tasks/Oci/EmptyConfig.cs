namespace Containerize.Oci;

/// <summary>The empty JSON object `{}` an artifact manifest has as its config (OCI image spec 1.1).</summary>
public static class EmptyConfig
{
    public static readonly byte[] Content = "{}"u8.ToArray();

    public static readonly Descriptor Descriptor = new(MediaTypes.OciEmpty, ManifestWriter.Digest(Content), Content.Length);
}
