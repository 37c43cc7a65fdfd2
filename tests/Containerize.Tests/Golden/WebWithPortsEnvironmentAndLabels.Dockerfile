# Made by Containerize from the project. Build it by hand with: docker build <this folder>
FROM mcr.microsoft.com/dotnet/aspnet:10.0
ENV ASPNETCORE_ENVIRONMENT="Production" \
    Greeting="Hello \"world\" from \$HOME" \
    LOG_LEVEL="Debug"
EXPOSE 8080/tcp 8443/tcp 5353/udp
WORKDIR /app
USER 1654
ENTRYPOINT ["dotnet", "/app/WebApi.dll"]
COPY layers/2-packages/ /app/
COPY layers/4-apphost/ /app/
LABEL "org.opencontainers.image.created"="2023-11-14T22:13:20Z" \
    "org.opencontainers.image.title"="WebApi" \
    "org.opencontainers.image.description"="The shop's web API." \
    "org.opencontainers.image.version"="1.0.0" \
    "org.opencontainers.image.authors"="Ada Lovelace" \
    "org.opencontainers.image.vendor"="Acme" \
    "org.opencontainers.image.url"="https://acme.example/shop" \
    "org.opencontainers.image.documentation"="https://acme.example/shop" \
    "org.opencontainers.image.licenses"="MIT" \
    "org.opencontainers.image.source"="https://github.com/acme/shop" \
    "org.opencontainers.image.revision"="0123abc" \
    "org.opencontainers.image.base.name"="mcr.microsoft.com/dotnet/aspnet:10.0" \
    "com.example.team"="shop" \
    "org.opencontainers.image.base.digest"="sha256:2222222222222222222222222222222222222222222222222222222222222222"
COPY layers/5-app/ /app/
