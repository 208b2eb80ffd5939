//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/stretchr/testify/require"
)

// forcedWithdrawal is the part of x/validium's forced-withdrawal record the suite checks.
type forcedWithdrawal struct {
	Sequence    string `json:"sequence"`
	Deadline    string `json:"deadline"`
	Status      string `json:"status"`
	MessageHash []byte `json:"message_hash"`
	NoOpReason  string `json:"no_op_reason"`
}

// forceWithdrawal has seed's account on 1-2 force a bridge-out of amount to itself on 1 through
// 1 (slushchaind ledger bridge-out, ledger opening, tx validium force-withdrawal) and returns the
// tx's hash on 1.
func (s *suite) forceWithdrawal(seed string, from account, amount string) string {
	s.t.Helper()
	op, err := s.cli("ledger", "bridge-out", "--seed", seed, "--path", "1-2", "--account", strconv.FormatUint(from.Index, 10),
		"--nonce", strconv.FormatUint(from.Nonce, 10), "--asset", asset, "--amount", amount, "--dst", "1",
		"--recipient", s.owner(seed), "--deadline", "1000000")
	require.NoError(s.t, err)
	opening, err := s.cli("ledger", "opening", "--account", strconv.FormatUint(from.Index, 10), "--node", rpc("1-2"), "--node-parent", rpc("1"))
	require.NoError(s.t, err)
	file := filepath.Join(s.dir, "opening-"+seed+".json")
	require.NoError(s.t, os.WriteFile(file, []byte(opening), 0o600))
	return s.tx("1", "validium", "force-withdrawal", "2", strings.TrimSpace(op), file).TxHash
}

// stepForcedWithdrawal is issue 20 on the running tree: alice (on 1-2) forces a withdrawal of 3
// through 1, and henry one of 1,000 his balance cannot cover. The relayer executes alice's on 1-2
// (MsgExecuteForcedWithdrawal) and proves it on 1 by its message in 1-2's outbox; henry's it
// proves a no-op. Alice's 3 leave 1-2 exactly once, both records leave PENDING, each fee is burnt
// on 1, and 1-2 stays active. Alice's message then waits for its claim on 1 with her account
// frozen for bridge-outs, so the step comes after every step that sends from her account.
func stepForcedWithdrawal(s *suite) {
	t := s.t
	alice, henry := s.owner("alice"), s.owner("henry")
	a, h := s.balance("1-2", alice), s.balance("1-2", henry)
	require.True(t, a.Found)
	require.True(t, h.Found, "henry was paid on 1-2 in the burst")
	require.Less(t, h.Balance, uint64(1000))
	var params struct {
		Params struct {
			Fee struct {
				Denom  string `json:"denom"`
				Amount string `json:"amount"`
			} `json:"forced_withdrawal_fee"`
		} `json:"params"`
	}
	s.mustQuery("1", &params, "validium", "params")
	fee := params.Params.Fee.Amount + params.Params.Fee.Denom
	executesBefore := s.successfulTxs("1-2", "/slush.validium.v1.MsgExecuteForcedWithdrawal")

	queued := time.Now()
	txs := []string{s.forceWithdrawal("alice", a, "3"), s.forceWithdrawal("henry", h, "1000")}
	// each withdrawal's sequence from its tx's EventForcedWithdrawalQueued (not from the pending
	// list: the relayer may prove henry's no-op before that list is read)
	seqs := make([]string, 0, len(txs))
	var deadline string
	for _, hash := range txs {
		var res struct {
			Events []struct {
				Type       string `json:"type"`
				Attributes []struct {
					Key   string `json:"key"`
					Value string `json:"value"`
				} `json:"attributes"`
			} `json:"events"`
		}
		s.mustQuery("1", &res, "tx", hash)
		burnt := false
		for _, e := range res.Events {
			for _, a := range e.Attributes {
				burnt = burnt || (e.Type == "burn" && a.Key == "amount" && a.Value == fee)
				if e.Type == "slush.validium.v1.EventForcedWithdrawalQueued" && a.Key == "sequence" {
					seqs = append(seqs, strings.Trim(a.Value, `"`))
				}
				if e.Type == "slush.validium.v1.EventForcedWithdrawalQueued" && a.Key == "deadline" {
					deadline = strings.Trim(a.Value, `"`)
				}
			}
		}
		require.True(t, burnt, "the fee %s is burnt on 1 (tx %s)", fee, hash)
	}
	require.Len(t, seqs, 2, "one EventForcedWithdrawalQueued per tx")
	t.Logf("forced withdrawals %v of 1-2 on 1, deadline root height %s", seqs, deadline)

	record := func(seq string) forcedWithdrawal {
		var res struct {
			Withdrawal forcedWithdrawal `json:"withdrawal"`
		}
		s.mustQuery("1", &res, "validium", "forced-withdrawal", "2", seq)
		return res.Withdrawal
	}
	s.eventually(5*time.Minute, "both forced withdrawals proven on 1", func() bool {
		return record(seqs[0]).Status != "FORCED_WITHDRAWAL_STATUS_PENDING" && record(seqs[1]).Status != "FORCED_WITHDRAWAL_STATUS_PENDING"
	})
	t.Logf("queued -> proven: %s", time.Since(queued).Round(time.Second))
	executed, noOp := record(seqs[0]), record(seqs[1])
	require.Equal(t, "FORCED_WITHDRAWAL_STATUS_EXECUTED", executed.Status)
	require.Len(t, executed.MessageHash, 32)
	require.Equal(t, "FORCED_WITHDRAWAL_STATUS_NO_OP", noOp.Status)
	require.Equal(t, "insufficient balance", noOp.NoOpReason)
	var left struct { // a fresh value: proto JSON omits an empty list
		Withdrawals []forcedWithdrawal `json:"withdrawals"`
	}
	s.mustQuery("1", &left, "validium", "pending-forced-withdrawals", "2")
	require.Empty(t, left.Withdrawals, "none pending on 1")

	time.Sleep(5 * time.Second) // a few more relayer rounds: nothing executes again
	require.Equal(t, executesBefore+1, s.successfulTxs("1-2", "/slush.validium.v1.MsgExecuteForcedWithdrawal"), "executed once")
	require.Equal(t, account{Found: true, Index: a.Index, Balance: a.Balance - 3, Nonce: a.Nonce + 1}, s.balance("1-2", alice), "3 left 1-2 once")
	require.Equal(t, h, s.balance("1-2", henry), "the no-op moved nothing")
	require.Contains(t, []string{"MESSAGE_STATUS_SENT", "MESSAGE_STATUS_CONFIRMED"}, s.messageStatus("1-2", hexOf(executed.MessageHash)),
		"1-2 sent the message")
	require.Equal(t, "CHILD_STATUS_ACTIVE", s.child("1", 2).Child.Status)
}
