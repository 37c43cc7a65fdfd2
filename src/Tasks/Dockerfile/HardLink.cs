using System.Runtime.InteropServices;

namespace Containerize.Dockerfile;

/// <summary>
/// A second name for a file (link(2)), so that staging a large publish output costs neither the time nor the disk
/// space of a copy. Only where the platform has it and both names are on one file system; otherwise the caller copies.
/// </summary>
internal static class HardLink
{
    /// <returns>False when no link could be made (Windows, another file system, …); nothing was created then.</returns>
    public static bool TryCreate(string existing, string link) =>
        (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && Native.link(existing, link) == 0;

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
#pragma warning disable SA1300, IDE1006 // the C function's name
        public static extern int link([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string link);
#pragma warning restore SA1300, IDE1006
    }
}
