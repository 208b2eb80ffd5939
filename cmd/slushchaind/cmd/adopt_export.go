package cmd

import (
	"bytes"
	"cmp"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	cmtcrypto "github.com/cometbft/cometbft/crypto"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/privval"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	cryptocodec "github.com/cosmos/cosmos-sdk/crypto/codec"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/types/module"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/slush-tree/slush/app"
	"github.com/slush-tree/slush/circuits/hash"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	"github.com/slush-tree/slush/x/election/client/witness"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

const flagAdoptGenesisTime = "genesis-time"

// adoptParent is what adopt-export reads from p, the parent that elected the new operator: its
// chain-id (to check it is the export's parent) and its record of the child (after an election,
// rolled back to the finalized commitment, with the elected key hash and the bumped epoch).
type adoptParent interface {
	// ChainID is the chain-id p's node serves.
	ChainID(ctx context.Context) (string, error)
	// Child is p's record of child index.
	Child(ctx context.Context, index uint32) (validiumtypes.Child, error)
}

// dialAdoptParent connects to p's node; tests replace it with an in-memory p.
type dialAdoptParent func(clientCtx client.Context, node string) (adoptParent, error)

// rpcAdoptParent reads p over its node's CometBFT RPC (gRPC queries as ABCI queries).
type rpcAdoptParent struct {
	status client.CometRPC
	chain  witness.QueryChain
}

// dialAdoptParentRPC is the production dialer: p's node at a CometBFT RPC address.
func dialAdoptParentRPC(clientCtx client.Context, node string) (adoptParent, error) {
	c, err := client.NewClientFromNode(node)
	if err != nil {
		return nil, fmt.Errorf("--%s %s: %w", flagElectionNodeP, node, err)
	}
	qctx := clientCtx.WithClient(c).WithNodeURI(node).WithHeight(0)
	return rpcAdoptParent{status: c, chain: witness.QueryChain{Name: "p (" + node + ")", ABCI: qctx}}, nil
}

// ChainID implements adoptParent.
func (p rpcAdoptParent) ChainID(ctx context.Context) (string, error) {
	st, err := p.status.Status(ctx)
	if err != nil {
		return "", fmt.Errorf("%s: status: %w", p.chain.Name, err)
	}
	return st.NodeInfo.Network, nil
}

// Child implements adoptParent.
func (p rpcAdoptParent) Child(ctx context.Context, index uint32) (validiumtypes.Child, error) {
	return p.chain.Child(ctx, index)
}

// AdoptSummary is what adopt-export prints: the restarted chain as the written genesis starts it.
type AdoptSummary struct {
	// ChainID is the chain-id, unchanged from the export.
	ChainID string `json:"chain_id"`
	// InitialHeight is the first block of the restarted chain: the export's height + 1.
	InitialHeight int64 `json:"initial_height"`
	// Epoch is the operator epoch p installed (DESIGN §9).
	Epoch uint64 `json:"epoch"`
	// OperatorKeyHash is the elected operator key hash (hex).
	OperatorKeyHash string `json:"operator_key_hash"`
	// ValidatorConsAddress is the new operator's consensus address (bech32, valcons prefix).
	ValidatorConsAddress string `json:"validator_cons_address"`
	// Commitment is the export's newest own commitment, equal to p's record of the child (hex).
	Commitment string `json:"commitment"`
	// CommitmentHeight is the height of the old chain that commitment was stored at.
	CommitmentHeight int64 `json:"commitment_height"`
	// GenesisFile is where the genesis was written.
	GenesisFile string `json:"genesis_file,omitempty"`
}

// adoptExportCmd is `genesis adopt-export`: the new operator's side of an emergency
// re-election (DESIGN §9), restarting the child from an export of its finalized state.
func adoptExportCmd(basics module.BasicManager, defaultNodeHome string) *cobra.Command {
	return newAdoptExportCmd(basics, defaultNodeHome, dialAdoptParentRPC)
}

// newAdoptExportCmd builds adopt-export over a p dialer.
func newAdoptExportCmd(basics module.BasicManager, defaultNodeHome string, dial dialAdoptParent) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "adopt-export [export-json]",
		Short: "Write this home's genesis.json from an export of a chain whose operator p re-elected (DESIGN §9)",
		Long: `After an emergency re-election on p (DESIGN §9), p holds the child v at its finalized commitment
under the elected operator key and a bumped epoch. The elected operator restarts v from
'slushchaind export --height H' of v's state at the height H where v made that commitment, and
runs this command in its own node home:

  - the export's newest own commitment (x/bridge commitments) must be p's record of v
    (x/validium Child on p at --node-p, the index being the last element of v's tree path);
  - v's tree identity gets p's epoch and operator key hash (p's epoch must be higher than the
    export's: otherwise nothing was elected);
  - the export's single bonded validator gets this home's consensus key
    (priv_validator_key.json), with its x/slashing signing info and missed blocks moved to the
    new consensus address, and the consensus validator set is that key at the same power.

chain_id is kept, initial_height is H+1 (as the export wrote it), genesis_time is --genesis-time
or now. The genesis is validated as 'genesis validate' does. The validator's operator account and
delegations stay the old operator's: only the consensus key moves. Whoever runs this trusts the
p node it asks.`,
		Example: `slushchaind export --height 42 --home old-home > v-42.json
slushchaind genesis adopt-export v-42.json --node-p tcp://127.0.0.1:26657 --home new-home`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx := client.GetClientContextFromCmd(cmd)
			cfg := server.GetServerContextFromCmd(cmd).Config
			node, _ := cmd.Flags().GetString(flagElectionNodeP)
			if node == "" {
				return fmt.Errorf("--%s (p's CometBFT RPC) is required", flagElectionNodeP)
			}
			genesisTime := time.Now().UTC()
			if s, _ := cmd.Flags().GetString(flagAdoptGenesisTime); s != "" {
				t, err := time.Parse(time.RFC3339, s)
				if err != nil {
					return fmt.Errorf("--%s: %w", flagAdoptGenesisTime, err)
				}
				genesisTime = t.UTC()
			}
			export, err := genutiltypes.AppGenesisFromFile(args[0])
			if err != nil {
				return fmt.Errorf("read export %s: %w", args[0], err)
			}
			consKey, err := readConsensusPubKey(cfg.PrivValidatorKeyFile())
			if err != nil {
				return err
			}
			p, err := dial(clientCtx, node)
			if err != nil {
				return err
			}
			gen, summary, err := adoptExport(cmd.Context(), clientCtx.Codec, export, consKey, p, genesisTime)
			if err != nil {
				return err
			}
			genFile := cfg.GenesisFile()
			if err := validateAppGenesis(gen, basics, clientCtx); err != nil {
				return fmt.Errorf("the adopted genesis is invalid: %w", err)
			}
			if err := gen.SaveAs(genFile); err != nil {
				return err
			}
			if err := validateGenesisFile(genFile, basics, clientCtx); err != nil {
				return fmt.Errorf("the written genesis %s is invalid: %w", genFile, err)
			}
			summary.GenesisFile = genFile
			bz, err := json.MarshalIndent(summary, "", "  ")
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), string(bz))
			return err
		},
	}
	cmd.Flags().String(flags.FlagHome, defaultNodeHome, "The application home directory (of the new operator's node)")
	cmd.Flags().String(flagElectionNodeP, "", "CometBFT RPC of p, the parent that elected the new operator (required)")
	cmd.Flags().String(flagAdoptGenesisTime, "", "genesis time of the restarted chain, RFC 3339 (default: now)")
	return cmd
}

// readConsensusPubKey reads the consensus public key of a CometBFT priv_validator_key.json
// (as privval loads it, without its exit-on-error).
func readConsensusPubKey(file string) (cmtcrypto.PubKey, error) {
	bz, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("the new operator's validator key: %w", err)
	}
	var key privval.FilePVKey
	if err := cmtjson.Unmarshal(bz, &key); err != nil {
		return nil, fmt.Errorf("the new operator's validator key %s: %w", file, err)
	}
	if key.PrivKey == nil {
		return nil, fmt.Errorf("the new operator's validator key %s has no private key", file)
	}
	return key.PrivKey.PubKey(), nil
}

// validateGenesisFile runs on a genesis file what `genesis validate` runs.
func validateGenesisFile(file string, basics module.BasicManager, clientCtx client.Context) error {
	gen, err := genutiltypes.AppGenesisFromFile(file)
	if err != nil {
		return err
	}
	return validateAppGenesis(gen, basics, clientCtx)
}

// validateAppGenesis is `genesis validate`: the consensus part, then every module's genesis.
func validateAppGenesis(gen *genutiltypes.AppGenesis, basics module.BasicManager, clientCtx client.Context) error {
	if err := gen.ValidateAndComplete(); err != nil {
		return err
	}
	var appState map[string]json.RawMessage
	if err := json.Unmarshal(gen.AppState, &appState); err != nil {
		return err
	}
	return basics.ValidateGenesis(clientCtx.Codec, clientCtx.TxConfig, appState)
}

// adoptExport turns an export of the child v into the genesis of v restarted under the
// operator p elected (DESIGN §9): checked against p's record of v, with p's epoch and operator
// key hash in v's tree identity and consKey as the single validator's consensus key.
func adoptExport(
	ctx context.Context, cdc codec.Codec, export *genutiltypes.AppGenesis, consKey cmtcrypto.PubKey,
	p adoptParent, genesisTime time.Time,
) (*genutiltypes.AppGenesis, AdoptSummary, error) {
	if export.Consensus == nil {
		return nil, AdoptSummary{}, errors.New("the export has no consensus section")
	}
	var appState map[string]json.RawMessage
	if err := json.Unmarshal(export.AppState, &appState); err != nil {
		return nil, AdoptSummary{}, fmt.Errorf("the export's app_state: %w", err)
	}
	var vgs validiumtypes.GenesisState
	var bgs bridgetypes.GenesisState
	var sgs stakingtypes.GenesisState
	var slgs slashingtypes.GenesisState
	var dgs distrtypes.GenesisState
	for _, m := range []struct {
		name string
		gs   codec.ProtoMarshaler
	}{
		{validiumtypes.ModuleName, &vgs}, {bridgetypes.ModuleName, &bgs}, {stakingtypes.ModuleName, &sgs},
		{slashingtypes.ModuleName, &slgs}, {distrtypes.ModuleName, &dgs},
	} {
		bz, ok := appState[m.name]
		if !ok {
			return nil, AdoptSummary{}, fmt.Errorf("the export has no %s state", m.name)
		}
		if err := cdc.UnmarshalJSON(bz, m.gs); err != nil {
			return nil, AdoptSummary{}, fmt.Errorf("the export's %s state: %w", m.name, err)
		}
	}

	// DESIGN §9: only a child has a parent that elects its operator.
	id := vgs.Identity
	if len(id.Path) == 0 {
		return nil, AdoptSummary{}, errors.New("the export is of a root chain: only a child's operator is re-elected, by its parent (DESIGN §9)")
	}
	index := id.Path[len(id.Path)-1]
	newest, ok := newestCommitment(bgs.Commitments)
	if !ok {
		return nil, AdoptSummary{}, errors.New("the export holds no own commitment (x/bridge commitments): export at the height of p's finalized commitment of this chain")
	}
	if export.InitialHeight != newest.Height+1 {
		return nil, AdoptSummary{}, fmt.Errorf("the export starts at height %d but its newest own commitment is of height %d: export with --height %d",
			export.InitialHeight, newest.Height, newest.Height)
	}
	vi, err := soleBondedValidator(sgs, export.Consensus.Validators)
	if err != nil {
		return nil, AdoptSummary{}, err
	}
	newPk, err := cryptocodec.FromCmtPubKeyInterface(consKey)
	if err != nil {
		return nil, AdoptSummary{}, fmt.Errorf("the new validator key: %w", err)
	}
	if params := export.Consensus.Params; params != nil && !slices.Contains(params.Validator.PubKeyTypes, consKey.Type()) {
		return nil, AdoptSummary{}, fmt.Errorf("the new validator key is %s; the chain's consensus params allow %v", consKey.Type(), params.Validator.PubKeyTypes)
	}
	oldPk, err := sgs.Validators[vi].ConsPubKey()
	if err != nil {
		return nil, AdoptSummary{}, fmt.Errorf("the export's validator consensus key: %w", err)
	}
	if oldPk.Equals(newPk) {
		return nil, AdoptSummary{}, errors.New("this home's validator key is the old operator's: the elected operator must sign with its own key")
	}
	for i, v := range sgs.Validators {
		if pk, err := v.ConsPubKey(); i != vi && err == nil && pk.Equals(newPk) {
			return nil, AdoptSummary{}, fmt.Errorf("this home's validator key is already validator %s's", v.OperatorAddress)
		}
	}

	// Consistency with p: p holds v at the export's state, under a newly elected operator.
	pChainID, err := p.ChainID(ctx)
	if err != nil {
		return nil, AdoptSummary{}, err
	}
	if pChainID != id.ParentChainId {
		return nil, AdoptSummary{}, fmt.Errorf("--%s serves chain %q; the export's parent is %q", flagElectionNodeP, pChainID, id.ParentChainId)
	}
	child, err := p.Child(ctx, index)
	if err != nil {
		return nil, AdoptSummary{}, fmt.Errorf("p's record of child %d: %w", index, err)
	}
	if !bytes.Equal(newest.Commitment, child.LatestCommitment) {
		return nil, AdoptSummary{}, commitmentMismatch(index, newest, child.LatestCommitment, bgs.Commitments)
	}
	if child.Epoch <= id.Epoch {
		return nil, AdoptSummary{}, fmt.Errorf("p's epoch of child %d is %d, the export's is %d: p elected no new operator (DESIGN §9)",
			index, child.Epoch, id.Epoch)
	}
	if _, err := hash.DecodeElement(child.OperatorKeyHash); err != nil {
		return nil, AdoptSummary{}, fmt.Errorf("p's operator key hash of child %d: %w", index, err)
	}
	id.Epoch, id.OperatorKeyHash = child.Epoch, bytes.Clone(child.OperatorKeyHash)
	if err := id.Validate(); err != nil {
		return nil, AdoptSummary{}, err
	}
	vgs.Identity = id

	// The validator swap: the same validator (operator, tokens, delegations) signs with the
	// new operator's consensus key.
	consCodec := addresscodec.NewBech32Codec(app.Bech32PrefixConsAddr)
	oldCons, newCons := oldPk.Address().Bytes(), newPk.Address().Bytes()
	newConsStr, err := consCodec.BytesToString(newCons)
	if err != nil {
		return nil, AdoptSummary{}, err
	}
	if sgs.Validators[vi].ConsensusPubkey, err = codectypes.NewAnyWithValue(newPk); err != nil {
		return nil, AdoptSummary{}, err
	}
	if err := moveSigningInfo(&slgs, consCodec, oldCons, newCons, newConsStr, export.InitialHeight); err != nil {
		return nil, AdoptSummary{}, err
	}
	if dgs.PreviousProposer != "" {
		if prev, err := consCodec.StringToBytes(dgs.PreviousProposer); err == nil && bytes.Equal(prev, oldCons) {
			dgs.PreviousProposer = newConsStr
		}
	}
	for _, m := range []struct {
		name string
		gs   codec.ProtoMarshaler
	}{
		{validiumtypes.ModuleName, &vgs}, {stakingtypes.ModuleName, &sgs},
		{slashingtypes.ModuleName, &slgs}, {distrtypes.ModuleName, &dgs},
	} {
		if appState[m.name], err = cdc.MarshalJSON(m.gs); err != nil {
			return nil, AdoptSummary{}, err
		}
	}
	stateBz, err := json.MarshalIndent(appState, "", "  ")
	if err != nil {
		return nil, AdoptSummary{}, err
	}
	oldVal := export.Consensus.Validators[0]
	gen := *export
	gen.AppState = stateBz
	gen.GenesisTime = genesisTime
	gen.Consensus = &genutiltypes.ConsensusGenesis{
		Params: export.Consensus.Params,
		Validators: []cmttypes.GenesisValidator{{
			Address: consKey.Address(), PubKey: consKey, Power: oldVal.Power, Name: oldVal.Name,
		}},
	}
	return &gen, AdoptSummary{
		ChainID: gen.ChainID, InitialHeight: gen.InitialHeight, Epoch: id.Epoch,
		OperatorKeyHash: hex.EncodeToString(id.OperatorKeyHash), ValidatorConsAddress: newConsStr,
		Commitment: hex.EncodeToString(newest.Commitment), CommitmentHeight: newest.Height,
	}, nil
}

// newestCommitment is the own commitment of the highest height.
func newestCommitment(cs []bridgetypes.OwnCommitment) (bridgetypes.OwnCommitment, bool) {
	if len(cs) == 0 {
		return bridgetypes.OwnCommitment{}, false
	}
	return slices.MaxFunc(cs, func(a, b bridgetypes.OwnCommitment) int {
		return cmp.Compare(a.Height, b.Height)
	}), true
}

// commitmentMismatch explains which export p's commitment of the child calls for.
func commitmentMismatch(index uint32, newest bridgetypes.OwnCommitment, want []byte, cs []bridgetypes.OwnCommitment) error {
	var first, last int64
	for _, c := range cs {
		if bytes.Equal(c.Commitment, want) {
			if first == 0 || c.Height < first {
				first = c.Height
			}
			last = max(last, c.Height)
		}
	}
	head := fmt.Sprintf("the export's newest own commitment %x (height %d) is not p's commitment of child %d, %x",
		newest.Commitment, newest.Height, index, want)
	if first == 0 {
		return fmt.Errorf("%s: export at the height of commitment %x (query bridge commitment-by-hash on the old chain)", head, want)
	}
	if first == last {
		return fmt.Errorf("%s: that commitment was made at height %d: export with --height %d", head, first, first)
	}
	return fmt.Errorf("%s: that commitment was made at height %d and stood through height %d: export with --height %d (or any height up to %d)",
		head, first, last, first, last)
}

// soleBondedValidator is the index of the export's only bonded validator; the consensus
// validator set must be that validator alone.
func soleBondedValidator(sgs stakingtypes.GenesisState, consensus []cmttypes.GenesisValidator) (int, error) {
	vi, bonded := -1, 0
	for i, v := range sgs.Validators {
		if v.IsBonded() {
			vi, bonded = i, bonded+1
		}
	}
	if bonded != 1 || len(consensus) != 1 {
		return 0, fmt.Errorf("the export has %d bonded validators (%d in its consensus set): only a single-validator chain can be adopted; multi-validator failover is not supported",
			bonded, len(consensus))
	}
	pk, err := sgs.Validators[vi].ConsPubKey()
	if err != nil {
		return 0, fmt.Errorf("the export's validator consensus key: %w", err)
	}
	if consensus[0].PubKey == nil || !bytes.Equal(pk.Address(), consensus[0].PubKey.Address()) {
		return 0, errors.New("the export's consensus validator is not its bonded staking validator")
	}
	return vi, nil
}

// moveSigningInfo re-keys the validator's x/slashing signing info and missed-block bitmap from
// its old consensus address to the new one (x/slashing looks them up by the signer's address and
// halts the chain without one). A validator bonded in genesis itself has none yet: it gets a
// fresh one starting at startHeight, as x/slashing's bond hook would have made.
func moveSigningInfo(gs *slashingtypes.GenesisState, cc interface {
	StringToBytes(string) ([]byte, error)
}, oldCons, newCons []byte, newConsStr string, startHeight int64,
) error {
	moved := false
	for i, si := range gs.SigningInfos {
		addr, err := cc.StringToBytes(si.Address)
		if err != nil {
			return fmt.Errorf("x/slashing signing info %s: %w", si.Address, err)
		}
		switch {
		case bytes.Equal(addr, newCons):
			return fmt.Errorf("x/slashing already has a signing info for the new consensus address %s", newConsStr)
		case bytes.Equal(addr, oldCons):
			gs.SigningInfos[i].Address = newConsStr
			gs.SigningInfos[i].ValidatorSigningInfo.Address = newConsStr
			moved = true
		}
	}
	if !moved { // bonded at genesis, never bonded by x/staking: start its record as the bond hook would
		gs.SigningInfos = append(gs.SigningInfos, slashingtypes.SigningInfo{
			Address: newConsStr,
			ValidatorSigningInfo: slashingtypes.ValidatorSigningInfo{
				Address: newConsStr, StartHeight: startHeight, JailedUntil: time.Unix(0, 0).UTC(),
			},
		})
	}
	for i, mb := range gs.MissedBlocks {
		addr, err := cc.StringToBytes(mb.Address)
		if err != nil {
			return fmt.Errorf("x/slashing missed blocks %s: %w", mb.Address, err)
		}
		if bytes.Equal(addr, oldCons) {
			gs.MissedBlocks[i].Address = newConsStr
		}
	}
	return nil
}
