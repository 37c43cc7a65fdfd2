# Made by Containerize from the project. Build it by hand with: docker build <this folder>
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled
WORKDIR /app
USER 1654
ENTRYPOINT ["/app/Tool"]
CMD ["--help"]
COPY layers/4-apphost/ /app/
COPY layers/5-app/ /app/
