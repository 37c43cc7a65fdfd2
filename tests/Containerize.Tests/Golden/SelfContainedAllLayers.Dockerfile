# Made by Containerize from the project. Build it by hand with: docker build <this folder>
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0
WORKDIR /app
USER 1654
ENTRYPOINT ["/app/Shop"]
COPY layers/1-runtime/ /app/
COPY layers/2-packages/ /app/
COPY layers/3-volatile/ /app/
COPY layers/4-apphost/ /app/
COPY layers/5-app/ /app/
