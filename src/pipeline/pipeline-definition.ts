import { parse } from 'yaml';
import { ConfigError } from '../core/errors.js';
import type { SchemaChangeBehavior } from '../connectors/mysql-cdc/mysql-cdc-options.js';
import { tablePattern } from '../connectors/mysql-cdc/table-patterns.js';
import { parseFilter, parseProjection, type ParsedExpression, type ProjectionItem } from './transform-parser.js';

/** A `route` rule: source tables matching `sourceTable` go to `sinkTable` (`replaceSymbol` in it stands for the source table's name). */
export interface RouteRule {
  readonly sourceTable: RegExp;
  readonly sinkTable: string;
  readonly replaceSymbol?: string;
}

/** One projected column: the source column `from` written as `to`. */
export interface ProjectedColumn {
  readonly from: string;
  readonly to: string;
}

/**
 * A `transform` rule: for tables matching `sourceTable`, the columns written (`undefined`: all) and
 * a row filter, as parsed SQL; they are typed against each table's columns when the pipeline starts.
 */
export interface TransformRule {
  /** `file: transform[i]`, for errors. */
  readonly name: string;
  readonly sourceTable: RegExp;
  readonly projection?: readonly ProjectionItem[];
  readonly filter?: ParsedExpression;
}

/** A parsed and checked pipeline definition (Flink CDC 3's YAML shape). */
export interface PipelineDefinition {
  readonly source: { readonly type: 'mysql' | 'postgres'; readonly options: Record<string, string | number> };
  readonly sink: { readonly type: 'postgres' | 'mysql'; readonly url: string; readonly username?: string; readonly password?: string };
  readonly routes: readonly RouteRule[];
  readonly transforms: readonly TransformRule[];
  readonly name: string;
  readonly parallelism: number;
  readonly schemaChange: SchemaChangeBehavior;
  /** Other `pipeline` keys with a dot (`execution.checkpointing.interval`, `state.checkpoints.dir`, ...): job settings. */
  readonly settings: Record<string, string>;
}

type Yaml = Record<string, unknown>;

const isMap = (v: unknown): v is Yaml => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(v: unknown, where: string): string {
  if (typeof v === 'string' && v.length > 0) return v;
  if (typeof v === 'number') return String(v);
  throw new ConfigError(`${where} must be a non-empty string`);
}

const SINK_TYPES: Record<string, 'postgres' | 'mysql' | undefined> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
  jdbc: undefined,
};
const BEHAVIORS: readonly SchemaChangeBehavior[] = ['exception', 'evolve', 'ignore'];

/**
 * Parses a pipeline definition (YAML: `source`, `sink`, `route`, `transform`, `pipeline`, as Flink
 * CDC 3's) and checks it; errors name the file and the key.
 *
 * @example
 * const def = parsePipeline(readFileSync('mysql-to-postgres.yaml', 'utf8'), 'mysql-to-postgres.yaml');
 */
export function parsePipeline(text: string, file: string): PipelineDefinition {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid YAML: ${(e as Error).message}`);
  }
  if (!isMap(doc)) throw new ConfigError(`${file}: a pipeline definition is a mapping with 'source' and 'sink'`);
  for (const k of Object.keys(doc))
    if (!['source', 'sink', 'route', 'transform', 'pipeline'].includes(k))
      throw new ConfigError(`${file}: unknown top-level key '${k}' (source, sink, route, transform, pipeline)`);
  const source = doc.source;
  if (!isMap(source)) throw new ConfigError(`${file}: 'source' is required (type: mysql, hostname, port, username, password, tables)`);
  const sourceType = str(source.type, `${file}: source.type`).toLowerCase();
  const SOURCE_TYPES: Record<string, 'mysql' | 'postgres'> = { mysql: 'mysql', mariadb: 'mysql', postgres: 'postgres', postgresql: 'postgres' };
  if (!SOURCE_TYPES[sourceType]) throw new ConfigError(`${file}: source.type '${sourceType}' is not supported yet (mysql, mariadb, postgres)`);
  const options: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(source)) {
    if (k === 'type' || k === 'name') continue;
    if (typeof v === 'boolean') options[k] = String(v);
    else if (typeof v !== 'string' && typeof v !== 'number') throw new ConfigError(`${file}: source.${k} must be a string, a number or a boolean`);
    else options[k] = v;
  }
  if (options.tables === undefined)
    throw new ConfigError(`${file}: source.tables is required ('database.table' patterns for mysql, 'schema.table' for postgres, e.g. app_db.\\.*)`);
  tablePattern(String(options.tables), `${file}: source.tables`);

  const sink = doc.sink;
  if (!isMap(sink)) throw new ConfigError(`${file}: 'sink' is required (type: postgres or mysql, url, username, password)`);
  const sinkTypeName = str(sink.type, `${file}: sink.type`).toLowerCase();
  if (!(sinkTypeName in SINK_TYPES)) throw new ConfigError(`${file}: sink.type '${sinkTypeName}' is not one of ${Object.keys(SINK_TYPES).join(', ')}`);
  const url = str(sink.url, `${file}: sink.url`);
  const urlType = /^jdbc:postgresql:/.test(url) ? 'postgres' : /^jdbc:(mysql|mariadb):/.test(url) ? 'mysql' : undefined;
  if (!urlType) throw new ConfigError(`${file}: sink.url '${url}' is not a jdbc:postgresql://, jdbc:mysql:// or jdbc:mariadb:// URL`);
  const sinkType = SINK_TYPES[sinkTypeName] ?? urlType;
  if (sinkType !== urlType) throw new ConfigError(`${file}: sink.type '${sinkTypeName}' does not match sink.url '${url}'`);

  const routes = asList(doc.route, `${file}: route`).map((r, i) => {
    const where = `${file}: route[${i}]`;
    if (!isMap(r)) throw new ConfigError(`${where} must be a mapping with source-table and sink-table`);
    return {
      sourceTable: tablePattern(str(r['source-table'], `${where}.source-table`), `${where}.source-table`),
      sinkTable: str(r['sink-table'], `${where}.sink-table`),
      ...(r['replace-symbol'] !== undefined ? { replaceSymbol: str(r['replace-symbol'], `${where}.replace-symbol`) } : {}),
    };
  });
  const transforms = asList(doc.transform, `${file}: transform`).map((t, i) => {
    const where = `${file}: transform[${i}]`;
    if (!isMap(t)) throw new ConfigError(`${where} must be a mapping with source-table and projection and/or filter`);
    for (const k of Object.keys(t))
      if (!['source-table', 'projection', 'filter', 'description'].includes(k))
        throw new ConfigError(`${where}: '${k}' is not supported yet (source-table, projection, filter, description)`);
    const proj = t.projection === undefined ? undefined : parseProjection(str(t.projection, `${where}.projection`), `${where}.projection`);
    return {
      name: where,
      sourceTable: tablePattern(str(t['source-table'], `${where}.source-table`), `${where}.source-table`),
      // `*` alone is no projection: every column, new ones too.
      ...(proj && !(proj.length === 1 && proj[0]!.kind === 'star') ? { projection: proj } : {}),
      ...(t.filter !== undefined ? { filter: parseFilter(str(t.filter, `${where}.filter`), `${where}.filter`) } : {}),
    };
  });

  const p = doc.pipeline === undefined ? {} : doc.pipeline;
  if (!isMap(p)) throw new ConfigError(`${file}: 'pipeline' must be a mapping`);
  const parallelism = p.parallelism === undefined ? 1 : Number(p.parallelism);
  if (!Number.isInteger(parallelism) || parallelism < 1) throw new ConfigError(`${file}: pipeline.parallelism must be a whole number >= 1`);
  const schemaChange = (p['schema.change.behavior'] === undefined ? 'evolve' : String(p['schema.change.behavior']).toLowerCase()) as SchemaChangeBehavior;
  if (!BEHAVIORS.includes(schemaChange))
    throw new ConfigError(`${file}: pipeline.schema.change.behavior '${schemaChange}' is not one of ${BEHAVIORS.join(', ')}`);
  const settings: Record<string, string> = {};
  for (const [k, v] of Object.entries(p)) {
    if (k === 'name' || k === 'parallelism' || k === 'schema.change.behavior') continue;
    if (!k.includes('.'))
      throw new ConfigError(
        `${file}: pipeline.${k} is not supported (name, parallelism, schema.change.behavior, or a job setting such as execution.checkpointing.interval)`,
      );
    settings[k] = String(v);
  }
  return {
    source: { type: SOURCE_TYPES[sourceType]!, options },
    sink: {
      type: sinkType,
      url,
      ...(sink.username !== undefined ? { username: str(sink.username, `${file}: sink.username`) } : {}),
      ...(sink.password !== undefined ? { password: String(sink.password) } : {}),
    },
    routes,
    transforms,
    name: p.name === undefined ? 'Weir pipeline' : str(p.name, `${file}: pipeline.name`),
    parallelism,
    schemaChange,
    settings,
  };
}

function asList(v: unknown, where: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ConfigError(`${where} must be a list`);
  return v;
}
