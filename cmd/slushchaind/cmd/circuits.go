package cmd

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/prover"
)

const (
	flagMaxDepth  = "max-depth"
	flagKeysDir   = "keys"
	flagOut       = "out"
	flagBeacon    = "beacon"
	flagProof     = "proof"
	flagStatement = "statement"
	inclusionName = "inclusion"
	// inclusionPublicInputs: root commitment, root height, leaf hash, destination vid, kind.
	inclusionPublicInputs = 5
)

// circuitsCommand groups the offline circuit tools: sizes, development keys, proving, verifying.
func circuitsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "circuits",
		Short: "Inspect the gnark circuits, make development keys, prove and verify",
	}
	cmd.AddCommand(circuitsInfoCmd(), circuitsSetupCmd(), circuitsProveCmd(), circuitsVerifyCmd())
	return cmd
}

func circuitsInfoCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "info",
		Short: "Compile the inclusion circuit and print its size and public inputs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			depth, _ := cmd.Flags().GetInt(flagMaxDepth)
			ccs, err := prover.CompileInclusion(depth)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "circuit:        inclusion (Groth16, BN254), max depth %d\n", depth)
			fmt.Fprintf(out, "constraints:    %d\n", ccs.GetNbConstraints())
			fmt.Fprintf(out, "public inputs:  %d (root commitment, root height, leaf hash, destination vid, kind)\n",
				ccs.GetNbPublicVariables()-1)
			fmt.Fprintf(out, "hash:           Poseidon2 t=3, domain-tagged (circuits/README.md)\n")
			fmt.Fprintf(out, "verifying key:  %d bytes\n", keys.VerifyingKeySize(inclusionPublicInputs))
			return nil
		},
	}
	cmd.Flags().Int(flagMaxDepth, 8, "deepest source validium the circuit accepts")
	return cmd
}

func circuitsSetupCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "setup",
		Short: "Make DEVELOPMENT proving/verifying keys for the inclusion circuit (NOT for production)",
		Long: `Runs gnark's MPC setup with no contributions, sealed with a public beacon: deterministic
and insecure (anyone can recompute the toxic waste). A real deployment runs a multi-party
ceremony (gnark backend/groth16/bn254/mpcsetup: phase 1 and phase 2 contributions from
independent parties, then Seal with a public random beacon) and distributes the resulting keys.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			depth, _ := cmd.Flags().GetInt(flagMaxDepth)
			dir, _ := cmd.Flags().GetString(flagOut)
			beacon, _ := cmd.Flags().GetString(flagBeacon)
			sys, err := prover.NewDevInclusionSystem(depth, []byte(beacon))
			if err != nil {
				return err
			}
			if err := keys.WriteKeys(dir, inclusionName, sys.PK, sys.VK); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s and %s (development keys: NOT for production)\n",
				filepath.Join(dir, inclusionName+".pk"), filepath.Join(dir, inclusionName+".vk"))
			return nil
		},
	}
	cmd.Flags().Int(flagMaxDepth, 8, "deepest source validium the circuit accepts")
	cmd.Flags().String(flagOut, "keys", "directory to write inclusion.pk and inclusion.vk to")
	cmd.Flags().String(flagBeacon, "slush-dev-beacon", "public beacon that seals the development setup")
	return cmd
}

func circuitsProveCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "prove",
		Short: "Prove an example inclusion (a message from 1-2 to 2 under a synthetic root) with the given keys",
		Long: `Builds the example witness of a message sent by validium 1-2 to validium 2, with synthetic
commitments along the path, proves it and writes the proof and its statement (public inputs).
The relayer builds real witnesses from chain state; this command checks a key pair end to end.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			depth, _ := cmd.Flags().GetInt(flagMaxDepth)
			dir, _ := cmd.Flags().GetString(flagKeysDir)
			out, _ := cmd.Flags().GetString(flagOut)
			pk, _, err := keys.LoadKeys(dir, inclusionName, inclusionPublicInputs)
			if err != nil {
				return err
			}
			ccs, err := prover.CompileInclusion(depth)
			if err != nil {
				return err
			}
			w, err := inclusion.ExampleWitness([]uint8{1, 2}, []uint8{2}, inclusion.KindMessage, 10)
			if err != nil {
				return err
			}
			proof, st, err := prover.ProveInclusion(ccs, pk, depth, w)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(out, "proof.bin"), proof, 0o644); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(out, "statement.bin"), st.Bytes(), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s/proof.bin (%d bytes) and %s/statement.bin\n", out, len(proof), out)
			return nil
		},
	}
	cmd.Flags().Int(flagMaxDepth, 8, "max depth the keys were made for")
	cmd.Flags().String(flagKeysDir, "keys", "directory holding inclusion.pk and inclusion.vk")
	cmd.Flags().String(flagOut, ".", "directory to write proof.bin and statement.bin to")
	return cmd
}

func circuitsVerifyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Verify an inclusion proof against a verifying key and a statement",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, _ := cmd.Flags().GetString(flagKeysDir)
			proofPath, _ := cmd.Flags().GetString(flagProof)
			stPath, _ := cmd.Flags().GetString(flagStatement)
			vkBytes, err := os.ReadFile(filepath.Join(dir, inclusionName+".vk"))
			if err != nil {
				return err
			}
			vk, err := keys.CheckVerifyingKey(vkBytes, inclusionPublicInputs)
			if err != nil {
				return err
			}
			proof, err := os.ReadFile(proofPath)
			if err != nil {
				return err
			}
			stBytes, err := os.ReadFile(stPath)
			if err != nil {
				return err
			}
			st, err := prover.VerifyInclusionBytes(vk, proof, stBytes)
			if err != nil {
				return fmt.Errorf("proof rejected: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "proof valid: root height %d, kind %d\n", st.RootHeight, st.Kind)
			return nil
		},
	}
	cmd.Flags().String(flagKeysDir, "keys", "directory holding inclusion.vk")
	cmd.Flags().String(flagProof, "proof.bin", "proof file (164 bytes)")
	cmd.Flags().String(flagStatement, "statement.bin", "statement file (public inputs, 32 bytes each)")
	return cmd
}
