/**
 * The Agent Forge upstream's answers are not specified beyond the seed's
 * examples, so they are read leniently: the fields a client relies on are picked
 * out under their usual names, and the whole answer is kept in `details`.
 */
type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function firstString(source: Json, names: readonly string[]): string | null {
  for (const name of names) {
    const value = source[name];
    if (typeof value === 'string' && value.length > 0) return value;
    if (typeof value === 'number') return String(value);
  }
  return null;
}

/** `[...]`, `{models: [...]}` or `{data: [...]}`. */
export function trainedModelsOf(body: unknown) {
  const list = Array.isArray(body) ? body : isObject(body) ? (body['models'] ?? body['data'] ?? body['items']) : undefined;
  if (!Array.isArray(list)) return [];
  return list.filter(isObject).flatMap((model) => {
    const id = firstString(model, ['id', 'model_id', 'modelId', 'name']);
    if (!id) return [];
    return [
      {
        id,
        name: firstString(model, ['name', 'model_name']),
        phase: firstString(model, ['phase', 'phase_name']),
        createdAt: firstString(model, ['created_at', 'createdAt']),
        details: model,
      },
    ];
  });
}

export function chatReplyOf(body: unknown, modelId: string, conversationId: string | null) {
  const answer = isObject(body) ? body : { response: body };
  return {
    modelId: firstString(answer, ['model_id', 'modelId']) ?? modelId,
    conversationId: firstString(answer, ['conversation_id', 'conversationId']) ?? conversationId,
    response: firstString(answer, ['response', 'reply', 'message', 'answer']),
    details: body,
  };
}

export function upstreamJobIdOf(body: unknown): string | null {
  return isObject(body) ? firstString(body, ['task_id', 'job_id', 'id', 'run_id']) : null;
}
