/// <reference lib="dom" />
/**
 * The playground: GraphiQL, bundled by the gateway (playground/bundle.ts) with everything it
 * needs, talking to this origin only: queries and mutations over HTTP POST /graphql,
 * subscriptions over graphql-ws on ws(s)://<this host>/graphql. The headers editor's JSON goes
 * with every HTTP request and, for subscriptions, becomes the graphql-ws connectionParams (the
 * gateway reads `Authorization` there).
 */
import 'graphiql/style.css';
import './page.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { exampleTabs } from './examples.ts';
import { graphqlEndpoints, takeAuthorization } from './session.ts';
import { applyAuthorizationToStoredTabs, withAuthorization } from './stored-tabs.ts';

const tokenInUrl = new URL(window.location.href).searchParams.has('token');
const authorization = takeAuthorization();
const headers = authorization ? withAuthorization(undefined, authorization) : undefined;
if (authorization && tokenInUrl) {
  try {
    applyAuthorizationToStoredTabs(window.localStorage, authorization);
  } catch {
    // Storage refused: the example tabs below still carry the token.
  }
}

const endpoints = graphqlEndpoints();
const fetcher = createGraphiQLFetcher({
  url: endpoints.http,
  subscriptionUrl: endpoints.ws,
  // The gateway answers plain JSON (no @defer), so no multipart/mixed negotiation.
  enableIncrementalDelivery: false,
});

const root = document.getElementById('root');
if (!root) throw new Error('the page has no #root element');
createRoot(root).render(
  createElement(GraphiQL, {
    fetcher,
    defaultTabs: exampleTabs(headers),
    defaultHeaders: headers,
    isHeadersEditorEnabled: true,
    defaultEditorToolsVisibility: 'headers',
    // Headers are kept with the tabs (they hold the dev token); the toggle would only confuse.
    shouldPersistHeaders: true,
    showPersistHeadersSettings: false,
  }),
);
