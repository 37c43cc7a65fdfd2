# Made by Containerize from the project. Build it by hand with: docker build <this folder>
FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /srv/worker
USER app
CMD ["dotnet", "/srv/worker/Worker.dll", "--mode", "worker", "--verbose"]
COPY layers/4-apphost/ /srv/worker/
LABEL "org.opencontainers.image.title"="Worker" \
    "org.opencontainers.image.version"="3.0.0+build.7" \
    "org.opencontainers.image.base.name"="mcr.microsoft.com/dotnet/runtime:10.0"
COPY layers/5-app/ /srv/worker/
