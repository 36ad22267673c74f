// autocannon ships no types; these cover the part of its programmatic API the bench uses.
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      /** Called just before each request goes out; what it returns is sent. */
      setupRequest?: (request: Request, context: object) => Request;
      /** Called with each answer, and the context of the connection it came on. */
      onResponse?: (status: number, body: string, context: object) => void;
    }

    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Requests to make; overrides `duration`. */
      amount?: number;
      /** Requests per second over all connections, as an equal budget per connection and second. */
      overallRate?: number;
      /** Milliseconds between samples; a run ends at the first sample after it is over. */
      sampleInt?: number;
      /** Seconds to wait for an answer. */
      timeout?: number;
      requests?: Request[];
    }

    interface Result {
      errors: number;
      timeouts: number;
    }

    interface Instance extends PromiseLike<Result> {
      /** `responseTime` in milliseconds, from writing the request to the end of the answer. */
      on(
        event: 'response',
        listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
      ): this;
      stop(): void;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
