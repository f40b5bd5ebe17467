// An entity fetch answering null in the middle of a chain, after the audit's null-keys
// scenario: `shelf` knows books by upc only, `catalog` maps upc to id (and answers null for the
// third book), `authors` knows books by id only. The third book's id is therefore null, and a
// gateway must answer its author as null instead of sending a representation without a key
// (or failing the whole list).
import type { Representation, Scenario } from '../support/scenario.ts';

const BOOKS = [
  { id: '1', upc: 'b1', author: { id: 'a1', name: 'Alice' } },
  { id: '2', upc: 'b2', author: { id: 'a2', name: 'Bob' } },
  { id: '3', upc: 'b3', author: { id: 'a3', name: 'Jack' } },
];
/** The book the catalog does not carry. */
const UNCATALOGUED_ID = '3';
const LINK = (imports: string) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [${imports}])`;

/** A representation that names no known book is a gateway bug here, so it fails loudly. */
function bookFor(ref: Representation): (typeof BOOKS)[number] {
  const book = BOOKS.find((b) => (ref['id'] != null && b.id === ref['id']) || (ref['upc'] != null && b.upc === ref['upc']));
  if (!book) throw new Error(`Invalid reference ${JSON.stringify(ref)}`);
  return book;
}

export const nullKeys: Scenario = {
  name: 'null-keys',
  subgraphs: [
    {
      name: 'shelf',
      sdl: `${LINK('"@key"')}
type Query {
  bookContainers: [BookContainer]
}
type BookContainer {
  book: Book
}
type Book @key(fields: "upc") {
  upc: ID!
}`,
      resolvers: {
        Query: { bookContainers: () => BOOKS.map((b) => ({ book: { upc: b.upc } })) },
        Book: { __resolveReference: (ref: Representation) => ({ upc: bookFor(ref).upc }) },
      },
    },
    {
      name: 'catalog',
      sdl: `${LINK('"@key"')}
type Book @key(fields: "id") @key(fields: "upc") {
  id: ID!
  upc: ID!
}`,
      resolvers: {
        Book: {
          __resolveReference: (ref: Representation) => {
            const book = bookFor(ref);
            return book.id === UNCATALOGUED_ID ? null : { id: book.id, upc: book.upc };
          },
        },
      },
    },
    {
      name: 'authors',
      sdl: `${LINK('"@key"')}
type Book @key(fields: "id") {
  id: ID!
  author: Author
}
type Author {
  id: ID!
  name: String
}`,
      resolvers: {
        Book: { __resolveReference: (ref: Representation) => bookFor(ref) },
      },
    },
  ],
};
