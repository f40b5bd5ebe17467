/// <reference lib="dom" />
import { formatAmount, type BoardOrder, type BoardState } from './board-state.ts';
import type { FeedStatus } from './order-feed.ts';

/** A tiny element builder; text always goes in as text (product names are user data). */
function el(tag: string, className: string, ...children: (Node | string)[]): HTMLElement {
  const element = document.createElement(tag);
  if (className) element.className = className;
  element.append(...children);
  return element;
}

function orderCard(order: BoardOrder): Node[] {
  const placed = new Date(order.createdAt);
  const items = order.items.map((item) => el('li', '', `${item.quantity} × ${item.product?.name ?? 'unknown product'}`));
  const payment = order.payment
    ? `payment ${order.payment.status} · ${formatAmount(order.payment.amountCents, order.payment.currency)}`
    : 'payment –';
  return [
    el(
      'div',
      'order-head',
      el('span', 'status', order.status),
      el('code', 'order-id', order.id.slice(0, 8)),
      el('time', 'placed', Number.isNaN(placed.getTime()) ? order.createdAt : placed.toLocaleTimeString()),
    ),
    el('div', 'customer', order.customerId),
    el('ul', 'items', ...items),
    el('div', 'payment', payment),
    ...(order.cancellationReason ? [el('div', 'reason', order.cancellationReason)] : []),
  ];
}

const STATUS_TEXT: Record<FeedStatus['kind'], string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting',
  stopped: 'stopped',
};

export interface BoardView {
  /** Draws the board's current state, redrawing the cards of `changedIds`. */
  update(changedIds: Iterable<string>): void;
  status(status: FeedStatus): void;
  /** A message above the board (no token, token refused); empty hides it. */
  notice(lines: string[]): void;
}

/**
 * The board's DOM: a header with the connection indicator and counts, and one card per order,
 * newest first. Cards are kept by order id and updated in place, so a status change moves no
 * other card; a card whose status changed flashes once.
 */
export function createBoardView(root: HTMLElement, state: BoardState): BoardView {
  const indicator = el('span', 'connection', STATUS_TEXT.connecting);
  indicator.dataset.state = 'connecting';
  const counts = el('span', 'counts');
  const notice = el('div', 'notice');
  notice.hidden = true;
  const board = el('ol', 'board');
  root.append(el('header', 'top', el('h1', '', 'Live orders'), counts, indicator), notice, board);

  const cards = new Map<string, HTMLElement>();
  const changed = new Set<string>();

  // Drawn on every event, not once per animation frame: each status an order passes through
  // shows (a saga can confirm an order within the same frame it was placed), and reconciling at
  // most BOARD_LIMIT cards is cheap.
  function draw(): void {
    const orders = state.list();
    const shown = new Set(orders.map((order) => order.id));
    for (const [id, card] of cards) {
      if (shown.has(id)) continue;
      card.remove();
      cards.delete(id);
    }
    orders.forEach((order, index) => {
      let card = cards.get(order.id);
      if (!card) {
        card = el('li', 'order');
        card.dataset.id = order.id;
        cards.set(order.id, card);
      }
      if (changed.has(order.id) || !card.firstChild) {
        const statusChanged = card.dataset.status !== undefined && card.dataset.status !== order.status;
        card.dataset.status = order.status;
        card.replaceChildren(...orderCard(order));
        if (statusChanged) {
          // Restart the flash animation: remove the class, force a style flush, add it again.
          card.classList.remove('flash');
          void card.offsetWidth;
          card.classList.add('flash');
        }
      }
      // Moved only when out of place: re-inserting a node would restart its animation.
      if (board.children[index] !== card) board.insertBefore(card, board.children[index] ?? null);
    });
    changed.clear();
    const byStatus = state.countsByStatus();
    counts.textContent = Object.keys(byStatus)
      .sort()
      .map((status) => `${status} ${byStatus[status]}`)
      .join(' · ');
  }

  return {
    update(ids) {
      for (const id of ids) changed.add(id);
      draw();
    },
    status(status) {
      indicator.dataset.state = status.kind;
      indicator.textContent =
        status.kind === 'reconnecting' ? `reconnecting in ${Math.ceil(status.inMs / 1000)} s` : STATUS_TEXT[status.kind];
      indicator.title = status.kind === 'stopped' ? status.reason : '';
    },
    notice(lines) {
      notice.replaceChildren(...lines.map((line) => el('p', '', line)));
      notice.hidden = lines.length === 0;
    },
  };
}
