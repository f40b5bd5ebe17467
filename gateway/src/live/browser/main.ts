/// <reference lib="dom" />
/**
 * The live order board (/live): every order the token may see, newest first, moving PENDING →
 * CONFIRMED / CANCELLED as the saga runs. One graphql-ws subscription to this gateway;
 * bundled by the gateway like the playground (no CDN).
 */
import './board.css';
import { forgetAuthorization, graphqlEndpoints, takeAuthorization } from '../../playground/browser/session.ts';
import { BoardState } from './board-state.ts';
import { startOrderFeed } from './order-feed.ts';
import { createBoardView } from './render.ts';

const HOW_TO_GET_A_TOKEN = [
  'Get a token with: npm run token -- --customer admin --role admin',
  'then open /live?token=<the token> (an admin sees every order; a customer token shows only that customer’s orders).',
  '`npm run dev` prints this link, with a token, when the stack is up.',
];

const root = document.getElementById('root');
if (!root) throw new Error('the page has no #root element');
const state = new BoardState();
const view = createBoardView(root, state);
const authorization = takeAuthorization();

if (!authorization) {
  view.status({ kind: 'stopped', reason: 'no token', tokenRefused: false });
  view.notice(['This board needs a token.', ...HOW_TO_GET_A_TOKEN]);
} else {
  startOrderFeed({
    url: graphqlEndpoints().ws,
    authorization,
    onOrder: (order) => {
      state.upsert(order);
      view.update([order.id]);
    },
    onStatus: (status) => {
      view.status(status);
      if (status.kind === 'live') view.notice([]);
      if (status.kind !== 'stopped') return;
      if (status.tokenRefused) forgetAuthorization();
      view.notice([`Stopped: ${status.reason}.`, ...(status.tokenRefused ? HOW_TO_GET_A_TOKEN : ['Reload the page to try again.'])]);
    },
  });
}
