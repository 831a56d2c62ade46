package custom_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	admv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/admission"
	plugincel "k8s.io/apiserver/pkg/admission/plugin/cel"
	"k8s.io/apiserver/pkg/admission/plugin/policy/validating"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/cel/environment"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/pvlint/pvlint/linter"
)

// The contract: what passes in pvlint passes at admission, and what pvlint
// denies the API server denies. Each documentation policy is compiled by
// the API server's own validating-policy code (plugin/cel and
// plugin/policy/validating, as its compilePolicy does) and evaluated on a
// CREATE of every generated object, against pvlint's verdict on the same
// objects.

type admissionPolicy struct {
	p         *admv1.ValidatingAdmissionPolicy
	bindings  []*admv1.ValidatingAdmissionPolicyBinding
	validator validating.Validator
}

func compileAtAdmission(t *testing.T, p *admv1.ValidatingAdmissionPolicy) validating.Validator {
	t.Helper()
	env, err := environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion()).Extend(environment.StrictCostOpt)
	if err != nil {
		t.Fatal(err)
	}
	comp, err := plugincel.NewCompositedCompiler(env)
	if err != nil {
		t.Fatal(err)
	}
	hasParams := p.Spec.ParamKind != nil
	vars := plugincel.OptionalVariableDeclarations{HasParams: hasParams, HasAuthorizer: true}
	var named []plugincel.NamedExpressionAccessor
	for _, v := range p.Spec.Variables {
		named = append(named, &validating.Variable{Name: v.Name, Expression: v.Expression})
	}
	comp.CompileAndStoreVariables(named, vars, environment.StoredExpressions)
	var vals, msgs []plugincel.ExpressionAccessor
	for _, v := range p.Spec.Validations {
		vals = append(vals, &validating.ValidationCondition{Expression: v.Expression, Message: v.Message, Reason: v.Reason})
		var m plugincel.ExpressionAccessor
		if v.MessageExpression != "" {
			m = &validating.MessageExpressionCondition{MessageExpression: v.MessageExpression}
		}
		msgs = append(msgs, m)
	}
	return validating.NewValidator(
		comp.CompileCondition(vals, vars, environment.StoredExpressions), nil,
		comp.CompileCondition(nil, vars, environment.StoredExpressions),
		comp.CompileCondition(msgs, plugincel.OptionalVariableDeclarations{HasParams: hasParams}, environment.StoredExpressions),
		p.Spec.FailurePolicy, nil)
}

func readPolicies(t *testing.T, dir string) map[string]*admissionPolicy {
	t.Helper()
	out := map[string]*admissionPolicy{}
	var bindings []*admv1.ValidatingAdmissionPolicyBinding
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range strings.Split(string(data), "\n---\n") {
			var tm metav1.TypeMeta
			if err := sigsyaml.Unmarshal([]byte(doc), &tm); err != nil {
				t.Fatal(err)
			}
			switch tm.Kind {
			case "ValidatingAdmissionPolicy":
				var p admv1.ValidatingAdmissionPolicy
				if err := sigsyaml.UnmarshalStrict([]byte(doc), &p); err != nil {
					t.Fatal(err)
				}
				out[p.Name] = &admissionPolicy{p: &p, validator: compileAtAdmission(t, &p)}
			case "ValidatingAdmissionPolicyBinding":
				var b admv1.ValidatingAdmissionPolicyBinding
				if err := sigsyaml.UnmarshalStrict([]byte(doc), &b); err != nil {
					t.Fatal(err)
				}
				bindings = append(bindings, &b)
			}
		}
	}
	for _, b := range bindings {
		out[b.Spec.PolicyName].bindings = append(out[b.Spec.PolicyName].bindings, b)
	}
	return out
}

func unstructuredOf(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	js, err := sigsyaml.YAMLToJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(js); err != nil {
		t.Fatal(err)
	}
	return u
}

// generated objects: Deployments and Pods over the inputs' namespaces.
func contractObjects() []string {
	var docs []string
	n := 0
	for _, ns := range []string{"test-apps", "staging-apps", "plain"} {
		for _, replicas := range []int{0, 1, 3, 4, 5, 6, 10} {
			for _, image := range []string{"test.example.com/app:1", "staging.example.com/app:1", "prod.example.com/app:1", "nginx:1.27"} {
				for _, exempt := range []string{"", "true", "false"} {
					n++
					lbl := ""
					if exempt != "" {
						lbl = fmt.Sprintf(", exempt: %q", exempt)
					}
					docs = append(docs, fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: d%d
  namespace: %s
  labels: {app: d%d%s}
spec:
  replicas: %d
  selector: {matchLabels: {app: d%d}}
  template:
    metadata: {labels: {app: d%d}}
    spec:
      containers:
      - {name: sidecar, image: envoyproxy/envoy:v1.30}
      - {name: app, image: %q}
`, n, ns, n, lbl, replicas, n, n, image))
				}
			}
		}
	}
	for _, ns := range []string{"default", "kube-system", "test-apps"} {
		for _, priv := range []string{"", "privileged: true", "privileged: false"} {
			for _, where := range []string{"containers", "initContainers", "ephemeralContainers"} {
				n++
				sc := ""
				if priv != "" {
					sc = ", securityContext: {" + priv + "}"
				}
				extra := ""
				if priv == "" && where == "initContainers" {
					extra = "  initContainers:\n" // null, as a template that renders nothing leaves it
				} else if where != "containers" {
					extra = fmt.Sprintf("  %s:\n  - {name: x, image: busybox%s}\n", where, sc)
					sc = ""
				}
				docs = append(docs, fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata:
  name: p%d
  namespace: %s
spec:
  containers:
  - {name: app, image: busybox%s}
%s`, n, ns, sc, extra))
			}
		}
	}
	return docs
}

const contractNamespaces = `apiVersion: v1
kind: Namespace
metadata: {name: test-apps, labels: {environment: test}}
---
apiVersion: v1
kind: Namespace
metadata: {name: staging-apps, labels: {environment: staging}}
---
apiVersion: v1
kind: Namespace
metadata: {name: plain}
---
apiVersion: v1
kind: Namespace
metadata: {name: default}
---
apiVersion: v1
kind: Namespace
metadata: {name: kube-system}
---
apiVersion: rules.example.com/v1
kind: ReplicaLimit
metadata: {name: replica-limit-test.example.com, namespace: default}
maxReplicas: 3
`

func TestAdmissionContract(t *testing.T) {
	policies := readPolicies(t, "testdata/vap/policies")
	set := load(t, "testdata/vap/policies")
	docs := contractObjects()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "objects.yaml"), []byte(contractNamespaces+"---\n"+strings.Join(docs, "---\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := linter.Run(linter.Options{Root: dir, Rules: set.Rules, Keep: set.Keep()})
	if err != nil || len(res.Errors) > 0 {
		t.Fatalf("linter: %v %v", err, res.Errors)
	}
	verdict := map[string]string{} // policy|namespace/name → deny or unknown
	for _, f := range res.Findings {
		k := strings.TrimPrefix(f.RuleID, "VAP/") + "|" + f.Resource.Namespace + "/" + f.Resource.Name
		if f.Undecided {
			verdict[k] = "unknown"
		} else {
			verdict[k] = "deny"
		}
	}
	nsLabels := map[string]map[string]string{}
	var params runtime.Object
	for _, doc := range strings.Split(contractNamespaces, "---\n") {
		u := unstructuredOf(t, doc)
		if u.GetKind() == "Namespace" {
			l := u.GetLabels()
			if l == nil {
				l = map[string]string{}
			}
			l["kubernetes.io/metadata.name"] = u.GetName()
			nsLabels[u.GetName()] = l
		} else {
			params = u
		}
	}
	checked, denied := 0, 0
	for _, doc := range docs {
		u := typedView(t, unstructuredOf(t, doc))
		gvk := u.GroupVersionKind()
		gvr, _ := meta.UnsafeGuessKindToResource(gvk)
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: u.GetNamespace(), Labels: nsLabels[u.GetNamespace()]}}
		for name, ap := range policies {
			if !resourceMatches(ap.p, gvr) {
				continue
			}
			bindings := ap.bindings
			if len(bindings) == 0 { // pvlint runs an unbound policy as if bound everywhere
				bindings = []*admv1.ValidatingAdmissionPolicyBinding{{}}
			}
			for _, b := range bindings {
				if mr := b.Spec.MatchResources; mr != nil && mr.NamespaceSelector != nil {
					sel, err := metav1.LabelSelectorAsSelector(mr.NamespaceSelector)
					if err != nil {
						t.Fatal(err)
					}
					if !sel.Matches(labels.Set(ns.Labels)) {
						continue
					}
				}
				var p runtime.Object
				if b.Spec.ParamRef != nil {
					p = params
				}
				attr := admission.NewAttributesRecord(u, nil, gvk, u.GetNamespace(), u.GetName(), gvr, "", admission.Create,
					&metav1.CreateOptions{}, false, &user.DefaultInfo{Name: "dev"})
				va, err := admission.NewVersionedAttributes(attr, gvk, nil)
				if err != nil {
					t.Fatal(err)
				}
				result := ap.validator.Validate(context.Background(), gvr, va, p, ns, celconfig.RuntimeCELCostBudget, nil)
				admitted := true
				for _, d := range result.Decisions {
					if d.Action == validating.ActionDeny {
						admitted = false
					}
				}
				got := verdict[name+"|"+u.GetNamespace()+"/"+u.GetName()]
				checked++
				switch {
				case got == "unknown":
					t.Errorf("%s on %s/%s: undecided, though the scan holds everything", name, u.GetNamespace(), u.GetName())
				case got == "" && !admitted:
					t.Errorf("%s on %s/%s: passes in pvlint, denied at admission: %+v", name, u.GetNamespace(), u.GetName(), result.Decisions)
				case got == "deny" && admitted:
					t.Errorf("%s on %s/%s: denied by pvlint, admitted at admission", name, u.GetNamespace(), u.GetName())
				}
				if !admitted {
					denied++
				}
			}
		}
	}
	if checked < 300 || denied < 50 || denied == checked {
		t.Errorf("checked %d decisions, %d denials: the corpus does not exercise the policies", checked, denied)
	}
	t.Logf("%d admission decisions compared, %d denials", checked, denied)
}

// typedView is the object as the API server holds it for a built-in kind:
// decoded into its Go type and back (nulls and empty optional fields gone),
// before defaulting.
func typedView(t *testing.T, u *unstructured.Unstructured) *unstructured.Unstructured {
	t.Helper()
	var typed runtime.Object
	switch u.GetKind() {
	case "Pod":
		typed = &corev1.Pod{}
	case "Deployment":
		typed = &appsv1.Deployment{}
	default:
		return u
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, typed); err != nil {
		t.Fatal(err)
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(typed)
	if err != nil {
		t.Fatal(err)
	}
	delete(m, "status")
	if md, ok := m["metadata"].(map[string]any); ok {
		delete(md, "creationTimestamp")
	}
	return &unstructured.Unstructured{Object: m}
}

func resourceMatches(p *admv1.ValidatingAdmissionPolicy, gvr schema.GroupVersionResource) bool {
	for _, r := range p.Spec.MatchConstraints.ResourceRules {
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				if (g == "*" || g == gvr.Group) && (res == "*" || res == gvr.Resource) {
					return true
				}
			}
		}
	}
	return false
}
