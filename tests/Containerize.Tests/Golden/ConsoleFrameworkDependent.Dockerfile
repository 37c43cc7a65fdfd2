# Made by Containerize from the project. Build it by hand with: docker build <this folder>
FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
USER 1654
ENTRYPOINT ["dotnet", "/app/HelloDocker.dll"]
COPY layers/4-apphost/ /app/
LABEL "org.opencontainers.image.title"="HelloDocker" \
    "org.opencontainers.image.version"="1.0.0" \
    "org.opencontainers.image.base.name"="mcr.microsoft.com/dotnet/runtime:10.0"
COPY layers/5-app/ /app/
