package app_test

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/app/apptesting"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// TestSlushKeepersFullyWired: every dependency of every Slush keeper (interfaces, pointers,
// functions, maps) is set when the app is built: keepers are wired once, bottom-up, with no
// setter left to call later (issue 14).
func TestSlushKeepersFullyWired(t *testing.T) {
	chain := apptesting.NewChain(t, treetypes.RootIdentity(), 1)
	a := reflect.ValueOf(chain.App).Elem()
	for _, name := range []string{
		"TreeKeeper", "LedgerKeeper", "AcceptanceKeeper", "BridgeKeeper", "ValidiumKeeper", "ElectionKeeper",
	} {
		keeper := a.FieldByName(name)
		require.True(t, keeper.IsValid(), "app has no field %s", name)
		checked := 0
		for i := range keeper.NumField() {
			field, kind := keeper.Type().Field(i), keeper.Field(i).Kind()
			switch kind {
			case reflect.Interface, reflect.Pointer, reflect.Func, reflect.Map:
				require.False(t, keeper.Field(i).IsNil(), "%s.%s is nil", name, field.Name)
				checked++
			}
		}
		require.Positive(t, checked, "%s has dependencies to check", name)
	}
}

// TestNoLateWiringSetters: no Slush keeper has a Set... method left to wire it after
// construction (the pattern that let copies hold nil dependencies).
func TestNoLateWiringSetters(t *testing.T) {
	chain := apptesting.NewChain(t, treetypes.RootIdentity(), 1)
	a := reflect.ValueOf(chain.App).Elem()
	for _, name := range []string{
		"TreeKeeper", "LedgerKeeper", "AcceptanceKeeper", "BridgeKeeper", "ValidiumKeeper", "ElectionKeeper",
	} {
		ptr := a.FieldByName(name).Addr().Type()
		for i := range ptr.NumMethod() {
			m := ptr.Method(i).Name
			require.False(t, len(m) > 3 && m[:3] == "Set" && m[3] >= 'A' && m[3] <= 'Z', "%s.%s looks like a wiring setter", name, m)
		}
	}
}
