import { isAbstractType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import type { JsonObject } from './result-tree.ts';

/** "Is this object of that type?" over the supergraph schema, answered once per type pair. */
export interface TypeRelations {
  /**
   * Apollo's isObjectOfType: true when the object's __typename is the condition or one of its
   * possible types; an object without __typename matches only when `defaultWhenUnknown`.
   */
  isObjectOfType(object: JsonObject, typeCondition: string, defaultWhenUnknown?: boolean): boolean;
}

export function typeRelations(schema: GraphQLSchema): TypeRelations {
  const answers = new Map<string, boolean>();
  function relates(typename: string, condition: string): boolean {
    const key = `${typename} ${condition}`;
    let answer = answers.get(key);
    if (answer === undefined) {
      const type = schema.getType(typename);
      // A name the schema does not know (a subgraph can send anything) is not remembered: the
      // memo only ever holds pairs of the schema's own types.
      if (!type) return false;
      const conditionType = schema.getType(condition);
      answer = !!conditionType && isAbstractType(conditionType) && (isObjectType(type) || isInterfaceType(type)) && schema.isSubType(conditionType, type);
      answers.set(key, answer);
    }
    return answer;
  }
  return {
    isObjectOfType(object, typeCondition, defaultWhenUnknown = false) {
      const typename = object['__typename'];
      if (typeof typename !== 'string' || typename === '') return defaultWhenUnknown;
      return typename === typeCondition || relates(typename, typeCondition);
    },
  };
}
