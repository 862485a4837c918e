import { z } from 'zod';

const uuid = z.string().uuid();

/** Records are keyed by UUID; anything else cannot name one, so it is not looked up. */
export const isUuid = (value: string): boolean => uuid.safeParse(value).success;
