import { writeFileSync } from 'node:fs';
import { generateOpenApi, OPENAPI_FILE } from './openapi.js';

/** `npm run openapi`: regenerates docs/openapi.json from the route table and handler schemas. */
writeFileSync(OPENAPI_FILE, await generateOpenApi());
console.log(`wrote ${OPENAPI_FILE.pathname}`);
