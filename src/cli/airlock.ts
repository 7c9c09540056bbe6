#!/usr/bin/env node
console.log('airlock');
