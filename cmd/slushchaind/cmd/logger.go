package cmd

import (
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"cosmossdk.io/log"

	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/server"
)

// logTimeFormat is the node log's timestamp: the SDK's default ("3:04PM") cannot order the lines
// of one minute (issue 19).
const logTimeFormat = "2006-01-02T15:04:05.000Z07:00"

// useMillisecondLogs replaces the node logger InterceptConfigsPreRunHandler made with the same
// logger (format, colour, trace, level or filter flags) stamped to the millisecond.
func useMillisecondLogs(cmd *cobra.Command) error {
	serverCtx := server.GetServerContextFromCmd(cmd)
	zerolog.TimeFieldFormat = time.RFC3339Nano // the stamp the console writer re-formats: keep its sub-seconds
	opts := []log.Option{
		log.ColorOption(!serverCtx.Viper.GetBool(flags.FlagLogNoColor)),
		log.TraceOption(serverCtx.Viper.GetBool(server.FlagTrace)),
		log.TimeFormatOption(logTimeFormat),
	}
	if serverCtx.Viper.GetString(flags.FlagLogFormat) == flags.OutputFormatJSON {
		opts = append(opts, log.OutputJSONOption())
	}
	if lvl := serverCtx.Viper.GetString(flags.FlagLogLevel); lvl != "" {
		if level, err := zerolog.ParseLevel(lvl); err == nil {
			opts = append(opts, log.LevelOption(level))
		} else {
			filter, err := log.ParseLogLevel(lvl)
			if err != nil {
				return err
			}
			opts = append(opts, log.FilterOption(filter))
		}
	}
	serverCtx.Logger = log.NewLogger(cmd.OutOrStdout(), opts...).With(log.ModuleKey, "server")
	return server.SetCmdServerContext(cmd, serverCtx)
}
