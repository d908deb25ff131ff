const page = {
  fontFamily: "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
  maxWidth: 640,
  margin: "64px auto",
  padding: "0 24px",
  color: "#111827",
};

/** Placeholder until the dashboard lands: points operators at what exists today. */
export function App() {
  return (
    <main style={page}>
      <h1 style={{ fontSize: 28 }}>Herald</h1>
      <p>Herald is running. The operator dashboard is being built; meanwhile:</p>
      <ul>
        <li>
          <a href="/openapi.json">OpenAPI description</a> of the HTTP API
        </li>
        <li>
          <a href="/readyz">Readiness</a> of PostgreSQL and Redis
        </li>
      </ul>
    </main>
  );
}
