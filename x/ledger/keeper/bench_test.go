package keeper_test

import (
	"testing"

	storetypes "cosmossdk.io/store/types"

	"github.com/slush-tree/slush/circuits/ledger"
)

// BenchmarkMintGas reports the gas one mint costs on a chain's store (DESIGN §7.3: the inbox
// entry, the credit, the receipt append and, since session 39, the consumed set's insert at
// depth 64), for the first mint of a fresh ledger and the hundredth. Gas is deterministic, so
// the figures do not depend on the machine.
//
//	go test -run '^$' -bench BenchmarkMintGas -benchtime 1x ./x/ledger/keeper/
func BenchmarkMintGas(b *testing.B) {
	for range b.N {
		env, k, _, _ := setupLedger(b)
		var first, last uint64
		for i := range 100 {
			m := inMsg(carol, 1)
			m.Nonce = uint64(i)
			ctx := env.Ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
			if _, _, err := k.Mint(ctx, m, ledger.SourceClaim); err != nil {
				b.Fatal(err)
			}
			last = ctx.GasMeter().GasConsumed()
			if i == 0 {
				first = last
			}
		}
		b.ReportMetric(float64(first), "gas/first-mint")
		b.ReportMetric(float64(last), "gas/100th-mint")
	}
}
