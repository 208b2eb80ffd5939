package inclusion

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"

	"testing"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/smt"
)

func newChildrenSMT(t *testing.T) *smt.Tree {
	t.Helper()
	tr, err := smt.New(smt.NewMemStore(), commitment.ChildrenDepth)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func smtSiblings(s []fr.Element) []frontend.Variable { return smt.ElementsToVariables(s) }
