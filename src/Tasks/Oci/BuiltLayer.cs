namespace Containerize.Oci;

/// <summary>
/// A layer written to disk as a gzip-compressed tar: <paramref name="Descriptor"/> has the digest and size of that
/// file (what a manifest lists and a registry stores), <paramref name="DiffId"/> the digest of the uncompressed tar
/// (what the image config's rootfs.diff_ids lists).
/// </summary>
public sealed record BuiltLayer(string Path, Descriptor Descriptor, string DiffId);
