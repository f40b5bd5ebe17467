import type { Decider } from '@tributary/contracts';
import type { PaymentCommand } from './commands.ts';
import { decide } from './decide.ts';
import type { PaymentEvent } from './events.ts';
import { evolve } from './evolve.ts';
import { initialState, type PaymentState } from './state.ts';

export type PaymentDecider = Decider<PaymentCommand, PaymentState, PaymentEvent>;

export const paymentDecider: PaymentDecider = { decide, evolve, initialState };
