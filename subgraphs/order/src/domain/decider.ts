import type { Decider } from '@tributary/contracts';
import type { OrderCommand } from './commands.ts';
import { decide } from './decide.ts';
import type { OrderEvent } from './events.ts';
import { evolve } from './evolve.ts';
import { initialState, type OrderState } from './state.ts';

export type OrderDecider = Decider<OrderCommand, OrderState, OrderEvent>;

export const orderDecider: OrderDecider = { decide, evolve, initialState };
