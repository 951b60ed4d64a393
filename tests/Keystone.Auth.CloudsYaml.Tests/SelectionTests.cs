namespace Keystone.Auth.CloudsYaml.Tests;

/// <summary>Picking the cloud: by name, else <c>OS_CLOUD</c>; the names present are listed when it is missing.</summary>
public sealed class SelectionTests : IDisposable
{
    private readonly TempClouds _files = new();

    public SelectionTests() => _files.Write(_files.Current, "clouds.yaml", """
        clouds:
          subcloud2:
            region_name: subcloud2
          subcloud1:
            region_name: subcloud1
        """);

    public void Dispose() => _files.Dispose();

    [Fact]
    public void ByName()
    {
        Assert.Equal("subcloud1", _files.Load("subcloud1").RegionName);
    }

    [Fact]
    public void ByOsCloud()
    {
        _files.Environment["OS_CLOUD"] = "subcloud2";

        var cloud = _files.Load();

        Assert.Equal("subcloud2", cloud.Name);
        Assert.Equal("subcloud2", cloud.RegionName);
    }

    [Fact]
    public void ANameGivenWinsOverOsCloud()
    {
        _files.Environment["OS_CLOUD"] = "subcloud2";

        Assert.Equal("subcloud1", _files.Load("subcloud1").RegionName);
    }

    [Fact]
    public void AMissingCloudListsTheCloudsPresent()
    {
        var error = Assert.Throws<InvalidOptionsException>(() => _files.Load("subcloud3"));

        Assert.Equal("clouds.yaml", error.OptionsType);
        Assert.Equal(
            [$"{Path.Combine(_files.Current, "clouds.yaml")}: cloud 'subcloud3' not found (clouds in the file: subcloud1, subcloud2)"],
            error.Failures);
    }

    [Fact]
    public void NoNameAndNoOsCloudIsAnError()
    {
        var error = Assert.Throws<InvalidOptionsException>(() => _files.Load());

        Assert.EndsWith("no cloud selected: pass a cloud name or set OS_CLOUD (clouds in the file: subcloud1, subcloud2)", error.Failures[0], StringComparison.Ordinal);
    }
}
