import _Ajv2020 from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';
import openapi from '../../app/http/openapi.json' with { type: 'json' };

// Both packages are CommonJS: under NodeNext their default export is the `default` field.
const Ajv2020 = _Ajv2020.default;
const addFormats = _addFormats.default;

type Fields = Record<string, any>;

export interface ApiResponse {
  status: number;
  headers: Headers;
  json: any;
}

/** What a test sends; `body` as an object is sent as JSON, as a string as it is. */
export interface ApiCall {
  key?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

const document = openapi as Fields;
// The document's own dialect: OpenAPI 3.1 schemas are JSON Schema 2020-12.
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(document, 'openapi.json');

function resolve(node: Fields): Fields {
  if (typeof node.$ref !== 'string') return node;
  const path = node.$ref.replace(/^#\//, '').split('/');
  return resolve(path.reduce((at: Fields, part: string) => at[part], document));
}

/** The document's operation for a method and a concrete path, with its path template. */
export function operationFor(method: string, path: string): { template: string; operation: Fields } | undefined {
  for (const [template, item] of Object.entries(document.paths as Fields)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const operation = item[method.toLowerCase()];
    if (pattern.test(path) && operation) return { template, operation };
  }
  return undefined;
}

/** Every way `response` departs from what the document says of its operation. */
export function departures(method: string, path: string, response: ApiResponse): string[] {
  const found = operationFor(method, path);
  if (!found) return [`${method} ${path} is not in the document`];
  const documented = found.operation.responses[String(response.status)];
  if (!documented) return [`${method} ${found.template} answered ${response.status}, which the document does not list`];
  const spec = resolve(documented);
  const problems: string[] = [];
  for (const [name, header] of Object.entries((spec.headers ?? {}) as Fields)) {
    if (header.required && !response.headers.has(name)) problems.push(`the ${response.status} lacks the header ${name}`);
  }
  const schema = spec.content?.['application/json']?.schema;
  if (schema) {
    const pointer = schema.$ref ? `openapi.json${schema.$ref}` : undefined;
    const validate = pointer ? ajv.getSchema(pointer) : ajv.compile(schema);
    if (!validate) problems.push(`no schema at ${pointer}`);
    else if (!validate(response.json)) {
      problems.push(`the ${response.status} body departs from its schema: ${ajv.errorsText(validate.errors)}`);
    }
  }
  return problems;
}

/**
 * Calls the app's HTTP API as a helpdesk would, and checks every answer against the
 * OpenAPI document: a status it does not list, a missing required header or a body its
 * schema refuses throws. `seen` collects each operation and status answered.
 */
export class ApiClient {
  readonly seen = new Set<string>();

  constructor(readonly base: string) {}

  async call(method: string, path: string, call: ApiCall = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...call.headers };
    if (call.key !== undefined) headers.authorization = `Bearer ${call.key}`;
    let body: string | undefined;
    if (call.body !== undefined) {
      body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
      headers['content-type'] ??= 'application/json';
    }
    const answer = await fetch(`${this.base}${path}`, { method, headers, body });
    const text = await answer.text();
    const response: ApiResponse = { status: answer.status, headers: answer.headers, json: text ? JSON.parse(text) : undefined };
    const problems = departures(method, path, response);
    if (problems.length) throw new Error(`${method} ${path}: ${problems.join('; ')}`);
    this.seen.add(`${method} ${operationFor(method, path)!.template} ${response.status}`);
    return response;
  }

  post(key: string | undefined, body: unknown, headers?: Record<string, string>): Promise<ApiResponse> {
    return this.call('POST', '/api/v1/feedback-requests', { key, body, headers });
  }

  get(key: string | undefined, id: string): Promise<ApiResponse> {
    return this.call('GET', `/api/v1/feedback-requests/${id}`, { key });
  }

  cancel(key: string | undefined, id: string): Promise<ApiResponse> {
    return this.call('DELETE', `/api/v1/feedback-requests/${id}`, { key });
  }
}

/** Every operation and status the document lists, as ApiClient.seen names them. */
export function documentedAnswers(): string[] {
  const all: string[] = [];
  for (const [template, item] of Object.entries(document.paths as Fields)) {
    for (const [method, operation] of Object.entries(item as Fields)) {
      if (method === 'parameters') continue;
      for (const status of Object.keys(operation.responses)) all.push(`${method.toUpperCase()} ${template} ${status}`);
    }
  }
  return all.sort();
}
