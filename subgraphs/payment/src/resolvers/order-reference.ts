/** An Order as this subgraph knows it: only its key (the order subgraph owns the rest). */
export interface OrderReference {
  id: string;
}
