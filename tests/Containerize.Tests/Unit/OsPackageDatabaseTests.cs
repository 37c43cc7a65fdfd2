using System.Text;
using Containerize.Sbom;

namespace Containerize.Tests.Unit;

/// <summary>dpkg's status, distroless status.d files, apk's installed database and os-release, parsed from text.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class OsPackageDatabaseTests
{
    internal const string DebianOsRelease = """
        PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
        NAME="Debian GNU/Linux"
        VERSION_ID="12"
        VERSION="12 (bookworm)"
        VERSION_CODENAME=bookworm
        ID=debian
        HOME_URL="https://www.debian.org/"

        """;

    /// <summary>Trimmed from debian:12's var/lib/dpkg/status, with the states dpkg-query -W leaves out or keeps.</summary>
    internal const string DpkgStatus = """
        Package: base-files
        Essential: yes
        Status: install ok installed
        Priority: required
        Section: admin
        Installed-Size: 340
        Maintainer: Santiago Vila <sanvila@debian.org>
        Architecture: amd64
        Multi-Arch: foreign
        Version: 12.4+deb12u5
        Conffiles:
         /etc/debian_version 0b0a3a8c8ae8a8c0e8b4c6a0a0bb59cf
        Description: Debian base system miscellaneous files
         This package contains the basic filesystem hierarchy of a Debian system.
         Version: 0 is not a field of this paragraph.
         .
         And the text of several common licenses in use on Debian systems.

        Package: libgcc-s1
        Status: install ok installed
        Architecture: amd64
        Multi-Arch: same
        Source: gcc-12
        Version: 12.2.0-14
        Description: GCC support library

        Package: libc6
        Status: hold ok installed
        Architecture: amd64
        Source: glibc
        Version: 2.36-9+deb12u7

        Package: bsdutils
        Status: install ok installed
        Architecture: amd64
        Source: util-linux (2.38.1-5)
        Version: 1:2.38.1-5+b1

        Package: tzdata
        Status: deinstall ok config-files
        Architecture: all
        Version: 2024a-0+deb12u1

        Package: broken
        Status: install reinstreq half-installed
        Architecture: amd64
        Version: 1.0

        Package: noversion
        Status: install ok installed
        """;

    [TestMethod]
    public void Dpkg_lists_installed_and_held_packages_with_their_source_and_skips_the_others()
    {
        var packages = DpkgStatusParser.Parse(DpkgStatus, OsRelease.Parse(DebianOsRelease));

        CollectionAssert.AreEqual(new[]
        {
            "pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian-12",
            "pkg:deb/debian/libgcc-s1@12.2.0-14?arch=amd64&distro=debian-12&upstream=gcc-12",
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12&upstream=glibc",
            "pkg:deb/debian/bsdutils@1%3A2.38.1-5%2Bb1?arch=amd64&distro=debian-12&upstream=util-linux%402.38.1-5",
        }, packages.Select(package => package.Purl).ToList());
        Assert.AreEqual(new OsPackage("deb", "debian", "bsdutils", "1:2.38.1-5+b1", "amd64") { SourceName = "util-linux", SourceVersion = "2.38.1-5", Distro = "debian-12" }, packages[3]);
    }

    [TestMethod]
    public void Ubuntu_packages_get_the_ubuntu_namespace_and_distro()
    {
        var release = OsRelease.Parse("""
            PRETTY_NAME="Ubuntu 24.04.1 LTS"
            NAME="Ubuntu"
            VERSION_ID="24.04"
            ID=ubuntu
            ID_LIKE=debian
            """);

        var package = DpkgStatusParser.Parse("Package: libssl3t64\nStatus: install ok installed\nArchitecture: arm64\nSource: openssl\nVersion: 3.0.13-0ubuntu3.4\n", release).Single();

        Assert.AreEqual("pkg:deb/ubuntu/libssl3t64@3.0.13-0ubuntu3.4?arch=arm64&distro=ubuntu-24.04&upstream=openssl", package.Purl);
    }

    [TestMethod]
    public void Without_os_release_dpkg_packages_are_debian_and_have_no_distro()
    {
        var package = DpkgStatusParser.Parse("Package: a\r\nStatus: install ok installed\r\nVersion: 1\r\n", null).Single();

        Assert.AreEqual("pkg:deb/debian/a@1", package.Purl);
    }

    [TestMethod]
    public void A_status_d_paragraph_without_status_is_installed_one_with_another_status_is_not()
    {
        var release = OsRelease.Parse(DebianOsRelease);

        Assert.AreEqual("pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl",
            DpkgStatusParser.Parse("Package: libssl3\nVersion: 3.0.15-1~deb12u1\nArchitecture: amd64\nSource: openssl\n", release, statusD: true).Single().Purl);
        Assert.IsEmpty(DpkgStatusParser.Parse("Package: libssl3\nVersion: 3.0.15-1~deb12u1\n", release));
        Assert.IsEmpty(DpkgStatusParser.Parse("Package: x\nStatus: purge ok not-installed\nVersion: 1\n", release, statusD: true));
    }

    [TestMethod]
    public void Apk_lists_each_package_with_its_origin_when_it_differs()
    {
        var release = OsRelease.Parse("NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME=\"Alpine Linux v3.20\"\n");
        const string installed = """
            C:Q1yB3ILgFuMCkJbGgzDvQ7tKJPs/M=
            P:musl
            V:1.2.5-r0
            A:x86_64
            S:411544
            I:637952
            T:the musl c library (libc) implementation
            U:https://musl.libc.org/
            L:MIT
            o:musl
            m:Natanael Copa <ncopa@alpinelinux.org>
            F:lib
            R:ld-musl-x86_64.so.1
            a:0:0:755
            Z:Q1uQq4SCGGDm1Ph8/4E7uzaQ4UNvs=

            C:Q1T6UbW3JfnTdYJchxJb16pLI0b0Y=
            P:libcrypto3
            V:3.3.2-r0
            A:x86_64
            o:openssl

            P:nameless-version
            """;

        var packages = ApkDatabaseParser.Parse(installed, release);

        CollectionAssert.AreEqual(new[]
        {
            "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3",
            "pkg:apk/alpine/libcrypto3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3&upstream=openssl",
        }, packages.Select(package => package.Purl).ToList());
    }

    [TestMethod]
    public void Os_release_values_may_be_quoted_and_escaped()
    {
        var release = OsRelease.Parse("# comment\nID='Debian'\nVERSION_ID=\"12\"\nPRETTY_NAME=\"A \\\"quoted\\\" name\"\nbroken line\n");

        Assert.AreEqual(new OsRelease("debian", "12", "A \"quoted\" name"), release);
        Assert.AreEqual("debian-12", release.Distro);
        Assert.IsNull(OsRelease.Parse("ID=debian\n").Distro, "Debian testing has no VERSION_ID.");
    }

    [TestMethod]
    public void The_inventory_merges_status_and_status_d_one_per_purl_sorted_and_warns_of_an_rpm_database()
    {
        var files = new ImageOsFiles(
            Encoding.UTF8.GetBytes(DebianOsRelease),
            Encoding.UTF8.GetBytes("Package: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13.dfsg-1\nArchitecture: amd64\n"),
            [new("zlib1g", Encoding.UTF8.GetBytes("Package: zlib1g\nVersion: 1:1.2.13.dfsg-1\nArchitecture: amd64\n")), new("base-files", Encoding.UTF8.GetBytes("Package: base-files\nVersion: 12.4\nArchitecture: amd64\n"))],
            null,
            "var/lib/rpm/rpmdb.sqlite");

        var list = OsPackageInventory.Read(files);

        Assert.AreEqual(new OsRelease("debian", "12", "Debian GNU/Linux 12 (bookworm)"), list.Release);
        CollectionAssert.AreEqual(new[]
        {
            "pkg:deb/debian/base-files@12.4?arch=amd64&distro=debian-12",
            "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12",
        }, list.Packages.Select(package => package.Purl).ToList());
        Assert.IsTrue(list.Packages.All(package => package.Layer is null), "Not compared with a base image: no layer.");
        Assert.AreEqual("CTZ2032", list.Diagnostics.Single().Code);
        Assert.AreEqual(Containerize.Diagnostics.Severity.Warning, list.Diagnostics.Single().Severity);
        StringAssert.Contains(list.Diagnostics.Single().Message, "/var/lib/rpm/rpmdb.sqlite");
    }
}
