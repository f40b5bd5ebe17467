/** An Order entity as this subgraph sees it: only its key; its fields are resolved from it. */
export interface OrderReference {
  id: string;
}
