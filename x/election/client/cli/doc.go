// Package cli holds the hand-written x/election commands: `slushchaind election report|vote|
// witness`, which build the descendant proofs a withholding report or an emergency vote carries
// from several chains and sign them with the prover's operator key. Queries come from autocli.
package cli
