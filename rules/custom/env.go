package custom

import (
	"sync"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/traits"
	"k8s.io/apimachinery/pkg/util/version"
	plugincel "k8s.io/apiserver/pkg/admission/plugin/cel"
	apiservercel "k8s.io/apiserver/pkg/cel"
	"k8s.io/apiserver/pkg/cel/environment"
	"k8s.io/apiserver/pkg/cel/library"
)

// Both kinds of rule compile in the Kubernetes API server's own CEL
// environment (k8s.io/apiserver/pkg/cel/environment at the default
// compatibility version: its libraries, cost limits and cost estimator), so
// a ValidatingAdmissionPolicy means here what it means at admission. A
// pvlint Rule adds the graph: `object`, `params`, and the `graph` and `tf`
// values whose member functions walk the scan.

var (
	graphType = cel.OpaqueType("pvlint.Graph")
	tfType    = cel.OpaqueType("pvlint.Terraform")
)

var (
	baseOnce sync.Once
	baseEnv  *environment.EnvSet
)

func base() *environment.EnvSet {
	baseOnce.Do(func() {
		baseEnv = environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion())
	})
	return baseEnv
}

// ruleEnv is the environment of a pvlint Rule's expressions.
func ruleEnv() (*cel.Env, error) {
	es, err := base().Extend(environment.VersionedOptions{
		IntroducedVersion: version.MajorMinor(1, 0),
		EnvOptions: append([]cel.EnvOption{
			cel.Variable("object", cel.DynType),
			cel.Variable("params", cel.DynType),
			cel.Variable("graph", graphType),
			cel.Variable("tf", tfType),
		}, graphFunctions()...),
	}, environment.StrictCostOpt)
	if err != nil {
		return nil, err
	}
	return es.Env(environment.StoredExpressions)
}

// vapEnv is the environment of one ValidatingAdmissionPolicy, declared as
// the API server declares it (plugin/cel createEnvForOpts and the
// composition of `variables`): object, oldObject, namespaceObject, request,
// params when the policy has a paramKind, authorizer, and variables typed
// as they are compiled. vars is the object type whose fields are added as
// the policy's variables compile, in order.
func vapEnv(hasParams bool, vars *apiservercel.DeclType) (*cel.Env, error) {
	requestType := plugincel.BuildRequestType()
	namespaceType := plugincel.BuildNamespaceType()
	opts := []cel.EnvOption{
		cel.Variable(plugincel.ObjectVarName, cel.DynType),
		cel.Variable(plugincel.OldObjectVarName, cel.DynType),
		cel.Variable(plugincel.NamespaceVarName, namespaceType.CelType()),
		cel.Variable(plugincel.RequestVarName, requestType.CelType()),
		cel.Variable(plugincel.AuthorizerVarName, library.AuthorizerType),
		cel.Variable(plugincel.RequestResourceAuthorizerVarName, library.ResourceCheckType),
		cel.Variable("variables", vars.CelType()),
	}
	if hasParams {
		opts = append(opts, cel.Variable(plugincel.ParamsVarName, cel.DynType))
	}
	es, err := base().Extend(environment.VersionedOptions{
		IntroducedVersion: version.MajorMinor(1, 0),
		EnvOptions:        opts,
		DeclTypes:         []*apiservercel.DeclType{namespaceType, requestType, vars},
	}, environment.StrictCostOpt)
	if err != nil {
		return nil, err
	}
	return es.Env(environment.StoredExpressions)
}

// declTypeOf turns a compiled variable's type into the DeclType of its
// field in `variables` (as the API server does for composition).
func declTypeOf(t *cel.Type) *apiservercel.DeclType {
	if t == nil {
		return apiservercel.DynType
	}
	switch t {
	case cel.AnyType:
		return apiservercel.AnyType
	case cel.BoolType:
		return apiservercel.BoolType
	case cel.BytesType:
		return apiservercel.BytesType
	case cel.DoubleType:
		return apiservercel.DoubleType
	case cel.DurationType:
		return apiservercel.DurationType
	case cel.IntType:
		return apiservercel.IntType
	case cel.NullType:
		return apiservercel.NullType
	case cel.StringType:
		return apiservercel.StringType
	case cel.TimestampType:
		return apiservercel.TimestampType
	case cel.UintType:
		return apiservercel.UintType
	}
	if t.HasTrait(traits.ContainerType) && t.HasTrait(traits.IndexerType) {
		switch ps := t.Parameters(); len(ps) {
		case 1:
			return apiservercel.NewListType(declTypeOf(ps[0]), -1)
		case 2:
			return apiservercel.NewMapType(declTypeOf(ps[0]), declTypeOf(ps[1]), -1)
		}
	}
	return apiservercel.DynType
}

var _ = types.NullValue
