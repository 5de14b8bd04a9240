"""The HTTP server (Litestar): GraphQL over HTTP and WebSocket, health, metrics, the UI."""
