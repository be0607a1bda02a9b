// swagger-ui-dist (installed with @nestjs/swagger) ships no types; the gateway uses one function.
declare module 'swagger-ui-dist' {
  export function getAbsoluteFSPath(): string;
}
