import { render } from 'preact';

function App() {
  return (
    <main>
      <h1>Scribe Vault</h1>
    </main>
  );
}

render(<App />, document.getElementById('app')!);
