/**
 * Command signatures. The decision engine signs the exact value bytes of every command message
 * with Ed25519 and puts the signature and key id in message headers; the worker verifies them
 * before doing anything. Signing the bytes as sent, rather than a re-encoding, keeps signatures
 * valid for readers on other schema versions.
 */
package dev.vigil.schemas.security;
