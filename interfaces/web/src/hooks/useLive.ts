// A live subscription: calls `onData` for each message (the client resumes after a
// reconnect from the last position, so no message is missed or repeated).

import { type TypedDocumentNode } from "@urql/core";
import { type CombinedError } from "@urql/core";
import { useEffect, useRef, useState } from "react";
import { useClient } from "urql";

type Variables = Record<string, unknown>;

export function useLive<Data, Vars extends Variables>(
  query: TypedDocumentNode<Data, Vars>,
  variables: Vars,
  onData: (data: Data) => void,
  { pause = false }: { pause?: boolean } = {},
): CombinedError | null {
  const client = useClient();
  const handler = useRef(onData);
  handler.current = onData;
  const [error, setError] = useState<CombinedError | null>(null);
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (pause) return;
    setError(null);
    const subscription = client
      .subscription(query, JSON.parse(key) as Vars)
      .subscribe((result) => {
        if (result.error) setError(result.error);
        if (result.data) handler.current(result.data);
      });
    return () => subscription.unsubscribe();
  }, [client, query, key, pause]);
  return error;
}
