# s2s serve in a container (CPU). Build: docker build -t s2s . ; run: docker run -p 8080:8080 s2s
# (Not buildable in this workplace: docker cannot run here. The steps mirror tools/deps.sh.)
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update && apt-get install -y --no-install-recommends patchelf gcc binutils && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN dotnet publish src/Cli -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg libgomp1 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
COPY models ./models
ENV S2S_HOME=/app
EXPOSE 8080
ENTRYPOINT ["/app/s2s", "serve", "--urls", "http://0.0.0.0:8080"]
