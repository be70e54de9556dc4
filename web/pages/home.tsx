import { Layout } from '../layout.js';

/** The start page until the directory UI lands: what is running, and where the API is. */
export function HomePage(props: { shopName: string; version: string; clientCount: number; groupCount: number; lang: string }) {
  return (
    <Layout title={`Agent — ${props.shopName || 'Kleek'}`} lang={props.lang}>
      <main>
        <h1>{props.shopName || 'Shop agent'}</h1>
        <p>
          Agent {props.version} — {props.clientCount} clients, {props.groupCount} groups.
        </p>
        <p>
          Till API: <code>/api/v1</code> (description: <code>/api/v1/openapi.json</code>, token required).
        </p>
      </main>
    </Layout>
  );
}
