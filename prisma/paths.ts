// Where the project keeps its Prisma files, resolved from this module so the
// tools work from any working directory.
import { fileURLToPath } from 'node:url';

export const defaultSchemaPath = fileURLToPath(new URL('./schema.prisma', import.meta.url));
export const defaultMigrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));
