package encoding_test

import (
	"sort"
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"

	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"

	"github.com/slush-tree/slush/app"
	"github.com/slush-tree/slush/app/encoding"
)

// TestMakeClientMatchesTheApp: a client's registry knows every interface and implementation the
// app's module manager registers, so it signs and decodes whatever the chain accepts.
func TestMakeClientMatchesTheApp(t *testing.T) {
	node := app.New(log.NewNopLogger(), dbm.NewMemDB(), nil, false, simtestutil.EmptyAppOptions{}).InterfaceRegistry()
	client := encoding.MakeClient().InterfaceRegistry
	ifaces := node.ListAllInterfaces()
	sort.Strings(ifaces)
	got := client.ListAllInterfaces()
	sort.Strings(got)
	require.Equal(t, ifaces, got)
	for _, iface := range ifaces {
		want, have := node.ListImplementations(iface), client.ListImplementations(iface)
		sort.Strings(want)
		sort.Strings(have)
		require.Equal(t, want, have, iface)
	}
}
